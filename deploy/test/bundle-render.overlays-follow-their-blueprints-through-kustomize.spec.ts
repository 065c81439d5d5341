// The committed overlays, as `kubectl kustomize` builds them (what `kubectl apply -k` would send), deploy what
// their blueprints say. Promise: each overlay renders offline, and in the result every family runs its
// blueprint count with autoscaler bounds from the blueprint's ratios, on the right image; the dev overlay
// brings its backing services, simulator and development Secrets, production none of them.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

import { loadBlueprint } from '@trellis/supervisor';
import type { Blueprint } from '@trellis/supervisor';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { BLUEPRINT_FILES, DEV_IMAGE, IMAGE_NAME, imageTag } from '../k8s-render/bundle-layout';
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

/** `kubectl kustomize <folder>` as objects; rejects with kubectl's own message when it fails. */
function kustomize(folder: string): Promise<KubeObject[]> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      KUBECTL,
      ['kustomize', folder],
      { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null)
          return reject(new Error(`kubectl kustomize ${folder} failed: ${stderr || error.message}`));
        const objects = parseAllDocuments(stdout).map((document) => document.toJS() as KubeObject);
        report(
          `kubectl kustomize ${folder}: ${objects.length} objects in ${Math.round(performance.now() - started)} ms`,
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

/** Checks every platform family of `blueprint` against the built objects; `maxima` are the expected bounds. */
function expectFamilies(
  objects: readonly KubeObject[],
  blueprint: Blueprint,
  maxima: Record<string, number>,
): void {
  for (const family of blueprint.families.filter((candidate) => candidate.type !== 'external')) {
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

describe('kubectl kustomize', () => {
  test('builds the base', async () => {
    const objects = await kustomize('k8s/base');
    expect(objects.filter((object) => object.kind === 'Deployment')).toHaveLength(6);
  });

  test('builds the dev overlay: one node of each family, the local image, backing services, simulator, dev Secrets', async () => {
    const objects = await kustomize('k8s/overlays/dev');
    const blueprint = await loadBlueprint(join(ROOT, BLUEPRINT_FILES.dev), {});
    // The dev blueprint's ratios leave no room above one node (scale factor 4/3, rounded down).
    expectFamilies(objects, blueprint, {
      gateway: 1,
      cart: 1,
      orders: 1,
      catalog: 1,
      payments: 1,
      notifications: 1,
    });
    for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
      expect(podOf(deployment).containers[0]?.image).toBe(`${DEV_IMAGE.name}:${DEV_IMAGE.tag}`);
    }
    expect(
      objects.filter((object) => object.kind === 'StatefulSet').map((object) => object.metadata.name),
    ).toEqual(['postgres', 'rabbitmq', 'redis']);
    expect(named(objects, 'Deployment', 'payment-provider').spec?.['replicas']).toBe(1);
    const payments = podOf(named(objects, 'Deployment', 'payments')).containers[0]?.env ?? [];
    expect(payments.find((entry) => entry.name === 'PAYMENT_PROVIDER_URL')?.value).toBe(
      'http://payment-provider:4100',
    );
    expect(objects.filter((object) => object.kind === 'Secret').length).toBeGreaterThan(0);
    expect(named(objects, 'Service', 'gateway').spec?.['ports']).toEqual([
      { name: 'http', port: 3000, protocol: 'TCP', targetPort: 'http' },
    ]);
  });

  test('builds the production overlay: blueprint counts, bounds from its ratios, operators, no simulator, no Secret', async () => {
    const objects = await kustomize('k8s/overlays/production');
    const blueprint = await loadBlueprint(join(ROOT, BLUEPRINT_FILES.production), {});
    // Scale factor 2: logic per front end is 6/2 = 3 with max 8 (8/3), service per logic 6/6 = 1 with max 2 (2/1).
    expectFamilies(objects, blueprint, {
      gateway: 4,
      cart: 6,
      orders: 6,
      catalog: 4,
      payments: 4,
      notifications: 4,
    });
    for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
      expect(podOf(deployment).containers[0]?.image).toBe(`${IMAGE_NAME}:${imageTag(ROOT)}`);
    }
    expect(objects.some((object) => object.metadata.name === 'payment-provider')).toBe(false);
    expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    expect(named(objects, 'RabbitmqCluster', 'rabbitmq').spec?.['replicas']).toBe(3);
    expect(named(objects, 'Cluster', 'postgres').spec?.['instances']).toBe(3);
    const users = objects.filter((object) => object.kind === 'User').map((object) => object.metadata.name);
    expect(users.sort()).toEqual([
      'trellis-cart',
      'trellis-catalog',
      'trellis-gateway',
      'trellis-keda',
      'trellis-notifications',
      'trellis-orders',
      'trellis-payments',
    ]);
    expect(named(objects, 'Ingress', 'gateway').spec?.['tls']).toEqual([
      { hosts: ['trellis.example.com'], secretName: 'gateway-tls' },
    ]);
  });
});
