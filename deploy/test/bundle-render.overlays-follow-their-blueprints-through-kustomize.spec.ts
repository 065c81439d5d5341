// The overlays, as `kubectl kustomize` builds them (what `kubectl apply -k` would send), deploy what their
// blueprints say. Promise: each overlay renders offline, and in the result every family runs its blueprint
// count with autoscaler bounds from the blueprint's ratios, on the right image; the dev overlay brings its
// backing services, simulator and development Secrets, production none of them. Checked on the committed
// overlays, whatever families the repository runs, and on a bundle rendered from the fixture workspace, whose
// families of every node type and simulator give bounds worked out by hand.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadBlueprint } from '@trellis/supervisor';
import type { Blueprint } from '@trellis/supervisor';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { BLUEPRINT_FILES, DEV_IMAGE, IMAGE_NAME, imageTag } from '../k8s-render/bundle-layout';
import { writeBundle } from '../k8s-render/output/bundle-files';
import { renderBundle } from '../k8s-render/render-bundle';
import { scaleFactorOf, scalingBoundsOf } from '../k8s-render/scaling-bounds';
import { FIXTURE_WORKSPACE } from './bundle-render-support/fixture-workspace';
import { ROOT } from './bundle-render-support/render-cli';

const KUBECTL = '/usr/bin/kubectl';

const report = (line: string): void => {
  process.stdout.write(`[bundle-render] ${line}\n`);
};

interface KubeObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
}

/** `kubectl kustomize <folder>` in the bundle under `root`, as objects; rejects with kubectl's own message. */
function kustomize(root: string, folder: string): Promise<KubeObject[]> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      KUBECTL,
      ['kustomize', folder],
      { cwd: root, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null)
          return reject(new Error(`kubectl kustomize ${folder} failed: ${stderr || error.message}`));
        const objects = parseAllDocuments(stdout).map((document) => document.toJS() as KubeObject);
        report(
          `kubectl kustomize ${folder} in ${root}: ${objects.length} objects in ${Math.round(performance.now() - started)} ms`,
        );
        resolve(objects);
      },
    );
  });
}

const named = (objects: readonly KubeObject[], kind: string, name: string): KubeObject => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
};

interface PodSpec {
  containers: { image: string; args: string[]; env: { name: string; value?: string }[] }[];
}
const podOf = (deployment: KubeObject): PodSpec =>
  (deployment.spec as { template: { spec: PodSpec } }).template.spec;

/** The platform families of `blueprint`: every family but the external simulators. */
const platformFamilies = (blueprint: Blueprint) =>
  blueprint.families.filter((family) => family.type !== 'external');

/** Checks every platform family of `blueprint` against the built objects; `maxima` are the expected bounds. */
function expectFamilies(
  objects: readonly KubeObject[],
  blueprint: Blueprint,
  maxima: Record<string, number>,
): void {
  for (const family of platformFamilies(blueprint)) {
    const deployment = named(objects, 'Deployment', family.name);
    expect(deployment.metadata.namespace).toBe('trellis');
    expect(deployment.spec?.['replicas'], `${family.name} replicas`).toBe(family.count);
    expect(podOf(deployment).containers[0]?.args).toEqual([`apps/${family.name}/dist/main.js`]);
    const env = podOf(deployment).containers[0]?.env ?? [];
    for (const [name, value] of Object.entries(family.env)) {
      expect(env.find((entry) => entry.name === name)?.value, `${family.name} ${name}`).toBe(value);
    }
    const bounds =
      family.type === 'front-end'
        ? named(objects, 'HorizontalPodAutoscaler', family.name).spec
        : named(objects, 'ScaledObject', family.name).spec;
    const [min, max] =
      family.type === 'front-end'
        ? [bounds?.['minReplicas'], bounds?.['maxReplicas']]
        : [bounds?.['minReplicaCount'], bounds?.['maxReplicaCount']];
    expect([min, max], `${family.name} autoscaler bounds`).toEqual([family.count, maxima[family.name]]);
  }
}

/**
 * The autoscalers' maxima the renderer gives the families of `blueprint`, for blueprints whose families are not
 * known in advance; the fixture tests below check the same arithmetic against figures worked out by hand.
 */
function renderedMaxima(blueprint: Blueprint): Record<string, number> {
  const factor = scaleFactorOf(blueprint);
  return Object.fromEntries(
    blueprint.families.map((family) => [family.name, scalingBoundsOf(family.count, factor).max]),
  );
}

/** The dev overlay: its families on the local image, the backing services and the development Secrets. */
function expectDevOverlay(
  objects: readonly KubeObject[],
  blueprint: Blueprint,
  maxima: Record<string, number>,
): void {
  expectFamilies(objects, blueprint, maxima);
  for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
    expect(podOf(deployment).containers[0]?.image).toBe(`${DEV_IMAGE.name}:${DEV_IMAGE.tag}`);
  }
  expect(
    objects.filter((object) => object.kind === 'StatefulSet').map((object) => object.metadata.name),
  ).toEqual(['postgres', 'rabbitmq', 'redis']);
  expect(objects.filter((object) => object.kind === 'Secret').length).toBeGreaterThan(0);
  expect(named(objects, 'Service', 'gateway').spec?.['ports']).toEqual([
    { name: 'http', port: 3000, protocol: 'TCP', targetPort: 'http' },
  ]);
}

/**
 * The production overlay: its families on the release image `version`, the operators' clusters, a broker user
 * per platform family and one for KEDA, the gateway's Ingress, and no Secret.
 */
function expectProductionOverlay(
  objects: readonly KubeObject[],
  blueprint: Blueprint,
  maxima: Record<string, number>,
  version: string,
): void {
  expectFamilies(objects, blueprint, maxima);
  for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
    expect(podOf(deployment).containers[0]?.image).toBe(`${IMAGE_NAME}:${version}`);
  }
  expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
  expect(named(objects, 'RabbitmqCluster', 'rabbitmq').spec?.['replicas']).toBe(3);
  expect(named(objects, 'Cluster', 'postgres').spec?.['instances']).toBe(3);
  const users = objects.filter((object) => object.kind === 'User').map((object) => object.metadata.name);
  expect(users.sort()).toEqual(
    [...platformFamilies(blueprint).map((family) => `trellis-${family.name}`), 'trellis-keda'].sort(),
  );
  expect(named(objects, 'Ingress', 'gateway').spec?.['tls']).toEqual([
    { hosts: ['trellis.example.com'], secretName: 'gateway-tls' },
  ]);
}

describe('kubectl kustomize on the committed bundle', () => {
  test('builds the base: a Deployment per platform family of deploy/blueprint.yaml', async () => {
    const objects = await kustomize(ROOT, 'k8s/base');
    const blueprint = await loadBlueprint(join(ROOT, BLUEPRINT_FILES.default), {});
    expect(
      objects
        .filter((object) => object.kind === 'Deployment')
        .map((object) => object.metadata.name)
        .sort(),
    ).toEqual(
      platformFamilies(blueprint)
        .map((family) => family.name)
        .sort(),
    );
  });

  test('builds the dev overlay: its blueprint counts and bounds, the local image, backing services, dev Secrets', async () => {
    const objects = await kustomize(ROOT, 'k8s/overlays/dev');
    const blueprint = await loadBlueprint(join(ROOT, BLUEPRINT_FILES.dev), {});
    expectDevOverlay(objects, blueprint, renderedMaxima(blueprint));
  });

  test('builds the production overlay: its blueprint counts and bounds, operators, no Secret', async () => {
    const objects = await kustomize(ROOT, 'k8s/overlays/production');
    const blueprint = await loadBlueprint(join(ROOT, BLUEPRINT_FILES.production), {});
    expectProductionOverlay(objects, blueprint, renderedMaxima(blueprint), imageTag(ROOT));
  });
});

describe('kubectl kustomize on a bundle rendered from the fixture workspace', () => {
  let bundle: string;

  beforeAll(async () => {
    bundle = await mkdtemp(join(tmpdir(), 'trellis-fixture-bundle-'));
    await writeBundle(bundle, await renderBundle({ root: FIXTURE_WORKSPACE }));
  }, 30_000);

  afterAll(async () => {
    await rm(bundle, { recursive: true, force: true });
  });

  test('builds the dev overlay: bounds from its ratios, the simulator, and the URL payments reaches it at', async () => {
    const objects = await kustomize(bundle, 'k8s/overlays/dev');
    const blueprint = await loadBlueprint(join(FIXTURE_WORKSPACE, BLUEPRINT_FILES.dev), {});
    // Scale factor 2: service per logic is 2/2 = 1 with max 2 (2/1), logic per front end 2/1 = 2 with min 1 (2/1).
    expectDevOverlay(objects, blueprint, {
      gateway: 2,
      pricing: 2,
      planning: 2,
      inventory: 2,
      payments: 2,
    });
    expect(named(objects, 'Deployment', 'payment-provider').spec?.['replicas']).toBe(1);
    const payments = podOf(named(objects, 'Deployment', 'payments')).containers[0]?.env ?? [];
    expect(payments.find((entry) => entry.name === 'PAYMENT_PROVIDER_URL')?.value).toBe(
      'http://payment-provider:4100',
    );
  });

  test('builds the production overlay: bounds from its ratios, no simulator', async () => {
    const objects = await kustomize(bundle, 'k8s/overlays/production');
    const blueprint = await loadBlueprint(join(FIXTURE_WORKSPACE, BLUEPRINT_FILES.production), {});
    // Scale factor 2: logic per front end is 6/2 = 3 with max 8 (8/3), service per logic 6/6 = 1 with max 2 (2/1).
    expectProductionOverlay(
      objects,
      blueprint,
      { gateway: 4, pricing: 6, planning: 6, inventory: 6, payments: 6 },
      imageTag(FIXTURE_WORKSPACE),
    );
    expect(objects.some((object) => object.metadata.name === 'payment-provider')).toBe(false);
  });
});
