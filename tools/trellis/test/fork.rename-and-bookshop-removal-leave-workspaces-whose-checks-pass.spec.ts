// A fork's two one-step commands, each in its own copy of the repository: `npm run rename` leaves no trace of
// the old names and a workspace that type-checks, lints, passes its unit tests and its bundle check; `npm run
// remove-bookshop` leaves the empty platform, checked the same way, whose gateway starts alone and answers its
// health and cluster routes. Also runs the `sh fork` blocks of docs/make-it-yours.md (the documentation test
// leaves them out: they would change the copy its other commands run in).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRabbitVhost, freePort, waitFor } from '@trellis/testing';
import type { RabbitVhost } from '@trellis/testing';
import { afterAll, describe, expect, it } from 'vitest';

import type { CommandResult, WorkspaceCopy } from './workspace-copy';
import { copyWorkspace, repositoryRoot, runIn } from './workspace-copy';

const copies: WorkspaceCopy[] = [];

afterAll(() => {
  for (const copy of copies) copy.remove();
});

function freshCopy(): WorkspaceCopy {
  const copy = copyWorkspace();
  copies.push(copy);
  return copy;
}

/** Runs `command` in the copy, prints how it went and expects it to succeed. */
function check(copy: WorkspaceCopy, command: string, timeoutMs = 120_000): CommandResult {
  const result = runIn(copy, command, timeoutMs);
  process.stdout.write(
    `${result.exitCode === 0 ? 'ok  ' : 'FAIL'} ${Math.round(result.ms)} ms  ${command}\n`,
  );
  expect(result.exitCode, `${command}\n${result.output}`).toBe(0);
  return result;
}

/** The commands of the doc's ```sh fork blocks under `heading`. */
function forkCommands(heading: string): string[] {
  const doc = readFileSync(join(repositoryRoot, 'docs/make-it-yours.md'), 'utf-8');
  const section = doc.split(/^## /m).find((part) => part.startsWith(heading)) ?? '';
  return [...section.matchAll(/^```sh fork\n([\s\S]*?)^```$/gm)].flatMap((block) =>
    (block[1] ?? '').split('\n').filter((line) => line.trim() !== ''),
  );
}

const typeCheck = 'npx tsc -p tsconfig.json --noEmit';

describe('a fork renames itself', () => {
  it('rewrites every name, and the copy type-checks, lints, passes its unit tests and its bundle check', () => {
    const copy = freshCopy();
    const refused = runIn(copy, 'npm run --silent rename -- Acme acme-shop');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.output).toContain('"Acme" is not an npm scope');
    expect(runIn(copy, 'npm run --silent rename -- acme Acme_Shop').output).toContain('is not kebab-case');

    const commands = forkCommands('Rename a fork');
    expect(commands).toEqual(['npm run rename -- acme acme-shop']);
    for (const command of commands) check(copy, command);
    const leftovers = runIn(
      copy,
      'grep -rIil trellis --exclude-dir=node_modules --exclude-dir=.tools --exclude-dir=dist . || true',
    );
    expect(leftovers.output.trim()).toBe('');
    expect(existsSync(join(copy.root, 'tools/acme-shop/generators.json'))).toBe(true);
    expect(readFileSync(join(copy.root, 'libs/bus/package.json'), 'utf-8')).toContain('"@acme/bus"');
    const namespace = readFileSync(join(copy.root, 'k8s/base/kustomization.yaml'), 'utf-8');
    expect(namespace).toMatch(/namespace: acme-shop/);

    check(copy, 'npm run bundle:check');
    check(copy, typeCheck);
    check(copy, 'npx eslint apps/gateway libs/contracts tools/acme-shop --max-warnings=0');
    const unit = check(copy, 'npx vitest run --project unit', 180_000);
    expect(unit.output).toMatch(/tests: \d+ passed, 0 failed/);
  }, 180_000);
});

describe('a fork removes the bookshop', () => {
  let vhost: RabbitVhost | undefined;
  let gateway: ChildProcess | undefined;

  afterAll(async () => {
    if (gateway?.exitCode === null) {
      const exited = new Promise((resolve) => gateway?.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    await vhost?.delete();
  });

  it('leaves a platform that checks and whose gateway alone answers health and the cluster view', async () => {
    const copy = freshCopy();
    const commands = forkCommands('Remove the bookshop');
    expect(commands).toEqual(['npm run remove-bookshop']);
    for (const command of commands) check(copy, command);
    for (const gone of [
      'apps/cart',
      'apps/payment-provider',
      'libs/contracts/src/bookshop',
      'k8s/base/cart.yaml',
    ]) {
      expect(existsSync(join(copy.root, gone)), gone).toBe(false);
    }
    expect(readFileSync(join(copy.root, 'deploy/blueprint.yaml'), 'utf-8')).not.toMatch(/^ {2}cart:/m);
    // The READMEs lose the bookshop's passages and stay formatted; the image test runs no bookshop journey.
    for (const readme of ['README.md', 'apps/gateway/README.md']) {
      const text = readFileSync(join(copy.root, readme), 'utf-8');
      expect(text, readme).not.toContain('<!-- bookshop -->');
      expect(text, readme).not.toMatch(/apps\/cart|POST \/v1\/orders/);
    }
    expect(readFileSync(join(copy.root, 'deploy/image-test/gateway-journeys.ts'), 'utf-8')).toContain(
      'gatewayJourneys: readonly GatewayJourney[] = []',
    );
    check(copy, 'npx prettier --check README.md apps/gateway/README.md deploy/image-test');
    const again = runIn(copy, 'npm run --silent remove-bookshop');
    expect(again.exitCode).not.toBe(0);
    expect(again.output).toContain('already removed');

    check(copy, 'npm run bundle:check');
    check(copy, typeCheck);
    check(copy, 'npx eslint apps libs/contracts libs/bus deploy/image-test --max-warnings=0');
    // The whole unit project: the deploy and generator tests keep fixtures of their own, not the bookshop's.
    const unit = check(copy, 'npx vitest run --project unit', 180_000);
    expect(unit.output).toMatch(/tests: \d+ passed, 0 failed/);

    vhost = await createRabbitVhost('fork-empty-gateway');
    const port = await freePort();
    gateway = spawn(
      'bash',
      [
        '-c',
        'source scripts/use-node-24.sh >/dev/null && exec node --conditions=@trellis/source --import tsx apps/gateway/src/main.ts',
      ],
      {
        cwd: copy.root,
        env: {
          ...process.env,
          GATEWAY_PORT: String(port),
          HEALTH_PORT: '0',
          AMQP_URL: vhost.url,
          DATA_PREFIX: `fork-test-${port}`,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const base = `http://127.0.0.1:${port}`;
    const live = await waitFor(
      async () => {
        const response = await fetch(`${base}/health/live`);
        return response.status === 200 ? response : undefined;
      },
      { timeoutMs: 30_000, description: 'the gateway to answer /health/live' },
    );
    expect(await live.json()).toEqual({ status: 'up' });
    const cluster = await waitFor(
      async () => {
        const response = await fetch(`${base}/v1/cluster`);
        const view = (await response.json()) as {
          interfaces: unknown[];
          liveNodes: { family: string }[];
          datasets: unknown[];
        };
        return view.liveNodes.length > 0 ? view : undefined;
      },
      { timeoutMs: 15_000, description: "the gateway's own heartbeat in /v1/cluster" },
    );
    process.stdout.write(`empty platform: /v1/cluster ${JSON.stringify(cluster)}\n`);
    expect(cluster.interfaces).toEqual([]);
    expect(cluster.datasets).toEqual([]);
    expect(cluster.liveNodes.map((node) => node.family)).toEqual(['gateway']);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
  }, 300_000);
});
