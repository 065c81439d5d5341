// A wrong blueprint must never reach a cluster half-applied. Promise: the renderer refuses it as `npm start`
// does (loadBlueprint's refusals), plus what Kubernetes needs, with a message naming the file, the field and
// what is allowed, and writes nothing at all. The wrong blueprints are edited copies of the fixture workspace's,
// which has a family of every node type and the payment-provider simulator whatever families the repository runs.
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TrellisError } from '@trellis/contracts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { BLUEPRINT_FILES } from '../k8s-render/bundle-layout';
import { renderBundle } from '../k8s-render/render-bundle';
import { FIXTURE_WORKSPACE } from './bundle-render-support/fixture-workspace';
import { ROOT, runRenderCli } from './bundle-render-support/render-cli';

const report = (line: string): void => {
  process.stdout.write(`[bundle-render] ${line}\n`);
};

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'trellis-blueprints-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

type Which = keyof typeof BLUEPRINT_FILES;

/** `text` edited by `edit`, which must change it: an edit that no longer matches would test nothing. */
function changed(text: string, edit: (text: string) => string): string {
  const edited = edit(text);
  expect(edited, 'the edit must change the blueprint').not.toBe(text);
  return edited;
}

/** Copies of the fixture workspace's three blueprints in a folder of their own, `which` edited by `edit`. */
async function blueprintsWith(which: Which, edit: (text: string) => string): Promise<typeof BLUEPRINT_FILES> {
  const copies = await mkdtemp(join(folder, 'blueprints-'));
  const entries = await Promise.all(
    (Object.keys(BLUEPRINT_FILES) as Which[]).map(async (name): Promise<[Which, string]> => {
      const original = await readFile(join(FIXTURE_WORKSPACE, BLUEPRINT_FILES[name]), 'utf8');
      const path = join(copies, `${name}.yaml`);
      await writeFile(path, name === which ? changed(original, edit) : original);
      return [name, path];
    }),
  );
  return Object.fromEntries(entries) as Record<Which, string>;
}

/** The refusal message of rendering the fixture workspace with `blueprints`; fails the test when accepted. */
async function refusal(blueprints: typeof BLUEPRINT_FILES): Promise<string> {
  try {
    await renderBundle({ root: FIXTURE_WORKSPACE, blueprints });
  } catch (error) {
    expect(error).toBeInstanceOf(TrellisError);
    expect((error as TrellisError).code).toBe('supervisor.invalid_blueprint');
    return (error as Error).message;
  }
  throw new Error('the blueprints were accepted');
}

describe('the renderer refuses, naming the file, the field and what is allowed', () => {
  test('an unknown profile (as npm start does)', async () => {
    const blueprints = await blueprintsWith('default', (text) =>
      text.replace(/(inventory:\n\s+type: service\n\s+count: 1\n\s+)profile: memory/, '$1profile: disk'),
    );
    const message = await refusal(blueprints);
    report(message);
    expect(message).toContain(`Refused the cluster blueprint ${blueprints.default}; nothing was rendered:`);
    expect(message).toContain(
      `${blueprints.default}: families.inventory.profile: must be one of cpu, memory, io (got "disk")`,
    );
  });

  test('an unknown node type', async () => {
    const blueprints = await blueprintsWith('dev', (text) =>
      text.replace('type: front-end', 'type: frontend'),
    );
    expect(await refusal(blueprints)).toContain(
      `${blueprints.dev}: families.gateway.type: must be one of front-end, logic, service, external (got "frontend")`,
    );
  });

  test('a negative count', async () => {
    const blueprints = await blueprintsWith('production', (text) =>
      text.replace(/(planning:\n\s+type: logic\n\s+)count: 3/, '$1count: -1'),
    );
    expect(await refusal(blueprints)).toContain(
      `${blueprints.production}: families.planning.count: must be a whole number of nodes, 0 or more (got -1)`,
    );
  });

  test('ratios that cannot both hold', async () => {
    // At least four logic nodes per front-end node, and at least one front-end node per logic node.
    const blueprints = await blueprintsWith('default', (text) =>
      text.replace(
        'logicPerFrontEnd: { min: 1, max: 8 }',
        'logicPerFrontEnd: { min: 4 }\n  frontEndPerLogic: { min: 1 }',
      ),
    );
    expect(await refusal(blueprints)).toContain(
      `${blueprints.default}: ratios.frontEndPerLogic: front-end nodes per logic node must be at least 1, but 1 per 4 is 0.25 (gateway=1, pricing=2, planning=2)`,
    );
  });

  test('a platform family with no node in a blueprint the bundle deploys', async () => {
    const blueprints = await blueprintsWith('production', (text) =>
      text.replace(/(inventory:\n\s+type: service\n\s+)count: 3/, '$1count: 0'),
    );
    expect(await refusal(blueprints)).toContain(
      `${blueprints.production}: families.inventory.count: must be 1 or more in a blueprint the Kubernetes bundle deploys (only external simulators may be 0) (got 0)`,
    );
  });

  test('an overlay blueprint with a family the base does not deploy', async () => {
    const blueprints = await blueprintsWith('dev', (text) =>
      text.replace(
        'families:\n',
        'families:\n  search:\n    type: service\n    count: 1\n    profile: io\n    script: apps/inventory/src/main.ts\n',
      ),
    );
    expect(await refusal(blueprints)).toContain(
      `${blueprints.dev}: families.search: is not in ${blueprints.default}, whose families the Kubernetes base deploys; allowed: gateway, pricing, planning, inventory, payments`,
    );
  });

  test('a variable the bundle sets itself, in a family env', async () => {
    const blueprints = await blueprintsWith('production', (text) =>
      text.replace('      PAYMENT_PROVIDER_URL:', "      HEALTH_PORT: '8080'\n      PAYMENT_PROVIDER_URL:"),
    );
    expect(await refusal(blueprints)).toMatch(
      new RegExp(
        `${blueprints.production}: families\\.payments\\.env\\.HEALTH_PORT: is set by the bundle for every payments node; allowed: any variable but NODE_ID, .*HEALTH_PORT`,
      ),
    );
  });

  test("production without the simulator and without the real provider's URL", async () => {
    const blueprints = await blueprintsWith('production', (text) =>
      text.replace(/\n\s+PAYMENT_PROVIDER_URL: .*\n/, '\n'),
    );
    expect(await refusal(blueprints)).toContain(
      `${blueprints.production}: families.payments.env.PAYMENT_PROVIDER_URL: must be the http(s) URL of the real system, because the blueprint runs no payment-provider simulator (missing)`,
    );
  });
});

describe('a refused blueprint leaves nothing written', () => {
  test('bundle:render exits 1 with the refusal and writes no file', async () => {
    const out = join(folder, 'out');
    await rm(out, { recursive: true, force: true });
    // The command line renders the repository, so its production blueprint is the one edited, in its gateway:
    // the family every fork keeps.
    const production = join(folder, 'production-wrong.yaml');
    await writeFile(
      production,
      changed(await readFile(join(ROOT, BLUEPRINT_FILES.production), 'utf8'), (text) =>
        text.replace(/(gateway:\n\s+type: front-end\n\s+count: \d+\n\s+)profile: io/, '$1profile: gpu'),
      ),
    );
    // The default and dev blueprints are fine: the renderer must not write their part either.
    const run = await runRenderCli(['--out', out, '--production-blueprint', production]);
    report(`bundle:render with a wrong production blueprint: exit ${run.code} in ${run.ms} ms`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${production}: families.gateway.profile: must be one of cpu, memory, io (got "gpu")`,
    );
    expect(run.stdout).not.toContain('wrote');
    const written = await readdir(out, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    expect(written).toEqual([]);

    // The same command with the repository's blueprints does write, so the empty folder above means something.
    await copyFile(join(ROOT, BLUEPRINT_FILES.production), join(folder, 'production-fine.yaml'));
    const fine = await runRenderCli([
      '--out',
      out,
      '--production-blueprint',
      join(folder, 'production-fine.yaml'),
    ]);
    expect(fine.code).toBe(0);
    expect((await readdir(join(out, 'k8s', 'overlays', 'production'))).sort()).toContain(
      'kustomization.yaml',
    );
  }, 60_000);
});
