// The image test (npm run test:image) runs each node Deployment as one `podman run`. Promise of this file:
// that translation keeps every field the manifest gives (environment the kubelet's way, command and args,
// user, read-only root with a tmpfs per emptyDir, capabilities, limits, probes on the named ports), points
// only the vhost, database and key prefix at the run, and refuses what it cannot honour instead of dropping
// it. It runs everywhere (no container engine), so a change to the translation is checked by `npm test`.
import { describe, expect, it } from 'vitest';

import type { KubeObject } from '../bundle-checks/kube-object';
import { renderKustomization } from '../bundle-checks/render-overlay';
import { bundlePodsOf } from '../image-test/bundle-pods';
import { planContainer } from '../image-test/container-plan';
import type { PlanContext } from '../image-test/container-plan';
import { configSourcesOf, expandReferences, resolveContainer } from '../image-test/pod-environment';
import { parseDeployment } from '../image-test/pod-spec';
import { isolateEnvironment } from '../image-test/run-isolation';
import { overlayDirectory } from './support/overlays';

const places = { vhost: 'run-vhost', database: 'run_db', databaseRole: 'run_role', dataPrefix: 'run-prefix' };

const objects: KubeObject[] = [
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'shop' },
    data: { AMQP_HOST: 'rabbitmq', DATA_PREFIX: 'trellis', LOG_LEVEL: 'info' },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'broker', namespace: 'shop' },
    data: {
      username: Buffer.from('guest').toString('base64'),
      password: Buffer.from('old').toString('base64'),
    },
    stringData: { password: 'p@ss' },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'postgres', namespace: 'shop' },
    stringData: { uri: 'postgresql://app:secret@postgres:5432/app' },
  },
];

function deploymentObject(
  overrides: { volumes?: unknown[]; securityContext?: Record<string, unknown> } = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'cart', namespace: 'shop' },
    spec: {
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'cart' } },
        spec: {
          serviceAccountName: 'cart',
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, fsGroup: 1000 },
          volumes: overrides.volumes ?? [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          containers: [
            {
              name: 'cart',
              image: 'localhost/trellis-node:dev',
              args: ['apps/cart/dist/main.js', '--id=$(NODE_ID)'],
              envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }],
              env: [
                { name: 'NODE_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'AMQP_HOST', valueFrom: { configMapKeyRef: { name: 'settings', key: 'AMQP_HOST' } } },
                { name: 'AMQP_USERNAME', valueFrom: { secretKeyRef: { name: 'broker', key: 'username' } } },
                { name: 'AMQP_PASSWORD', valueFrom: { secretKeyRef: { name: 'broker', key: 'password' } } },
                { name: 'AMQP_URL', value: 'amqp://$(AMQP_USERNAME):$(AMQP_PASSWORD)@$(AMQP_HOST):5672' },
                { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'postgres', key: 'uri' } } },
                {
                  name: 'DATA_PREFIX',
                  valueFrom: { configMapKeyRef: { name: 'settings', key: 'DATA_PREFIX' } },
                },
                {
                  name: 'OPTIONAL',
                  valueFrom: { secretKeyRef: { name: 'absent', key: 'x', optional: true } },
                },
                { name: 'PAYMENT_PROVIDER_URL', value: 'http://payment-provider:4100' },
                { name: 'LITERAL', value: '$$(NODE_ID) and $(UNDEFINED)' },
              ],
              ports: [{ name: 'health', containerPort: 9000 }],
              readinessProbe: {
                httpGet: { path: '/health/ready', port: 'health' },
                periodSeconds: 5,
                failureThreshold: 2,
              },
              startupProbe: {
                httpGet: { path: '/health/ready', port: 9000 },
                periodSeconds: 2,
                failureThreshold: 60,
              },
              livenessProbe: { httpGet: { path: '/health/live', port: 'health' } },
              securityContext: {
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                ...overrides.securityContext,
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              lifecycle: { preStop: { exec: { command: ['/bin/sleep', '5'] } } },
              resources: { limits: { cpu: '500m', memory: '256Mi' } },
            },
          ],
        },
      },
    },
  } as KubeObject;
}

const context: PlanContext = {
  sources: configSourcesOf(objects),
  places,
  podName: 'cart-5d8f7c9b4d-x2k9p',
  containerName: 'trellis-image-abc-cart',
  labels: { 'trellis.image-test.run': 'abc' },
  imageUser: '1000:1000',
  placement: { network: 'net', aliases: ['cart-health'], hosts: ['rabbitmq:10.89.0.1'] },
};

/** The value of each `--env NAME=value` pair of a run. */
function envOf(runArguments: readonly string[]): Map<string, string> {
  const env = new Map<string, string>();
  runArguments.forEach((argument, index) => {
    if (argument !== '--env') return;
    const pair = runArguments[index + 1] ?? '';
    const equals = pair.indexOf('=');
    env.set(pair.slice(0, equals), pair.slice(equals + 1));
  });
  return env;
}

describe('environment, the kubelet’s way', () => {
  it('expands $(NAME) of earlier variables, keeps unknown ones and reads $$ as a literal $', () => {
    const defined = new Map([['A', 'one']]);
    expect(expandReferences('x-$(A)-$(B)-$$(A)-$$-$(', defined)).toBe('x-one-$(B)-$(A)-$-$(');
  });

  it('reads ConfigMaps, Secrets (stringData over data) and pod fields, envFrom first with its prefix', () => {
    const deployment = parseDeployment(deploymentObject());
    const container = deployment.spec.template.spec.containers[0];
    if (container === undefined) throw new Error('fixture has no container');
    const pod = {
      name: 'cart-x',
      namespace: 'shop',
      serviceAccountName: 'cart',
      labels: {},
      annotations: {},
    };
    const resolved = resolveContainer(container, pod, configSourcesOf(objects));
    expect(Object.fromEntries(resolved.env)).toMatchObject({
      CFG_AMQP_HOST: 'rabbitmq',
      NODE_ID: 'cart-x',
      NAMESPACE: 'shop',
      AMQP_URL: 'amqp://guest:p@ss@rabbitmq:5672',
      LITERAL: '$(NODE_ID) and $(UNDEFINED)',
    });
    expect(resolved.env.has('OPTIONAL')).toBe(false);
    expect(resolved.args).toEqual(['apps/cart/dist/main.js', '--id=cart-x']);
    expect(resolved.command).toBeUndefined();
  });

  it('refuses a reference to a key no Secret has, as the kubelet would', () => {
    const broken = deploymentObject();
    const spec = parseDeployment(broken);
    const container = spec.spec.template.spec.containers[0];
    if (container === undefined) throw new Error('fixture has no container');
    const missing = {
      ...container,
      env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'broker', key: 'token' } } }],
    };
    const pod = { name: 'p', namespace: 'shop', serviceAccountName: 'cart', labels: {}, annotations: {} };
    expect(() => resolveContainer(missing, pod, configSourcesOf(objects))).toThrow(
      /X reads key token of Secret broker/,
    );
  });
});

describe('the run’s own places', () => {
  it('changes only the vhost, database and role, and key prefix', () => {
    const env = new Map([
      ['AMQP_URL', 'amqp://guest:guest@rabbitmq:5672'],
      ['DATABASE_URL', 'postgresql://app:secret@postgres:5432/app'],
      ['DATA_PREFIX', 'trellis'],
      ['PAYMENT_PROVIDER_URL', 'http://payment-provider:4100'],
      ['BUS_PREFIX', 'trellis'],
    ]);
    const isolated = isolateEnvironment(env, places);
    expect(Object.fromEntries(isolated.env)).toEqual({
      AMQP_URL: 'amqp://guest:guest@rabbitmq:5672/run-vhost',
      DATABASE_URL: 'postgresql://run_role:secret@postgres:5432/run_db',
      DATA_PREFIX: 'run-prefix',
      PAYMENT_PROVIDER_URL: 'http://payment-provider:4100',
      BUS_PREFIX: 'trellis',
    });
    expect(isolated.changed).toEqual(['AMQP_URL', 'DATABASE_URL', 'DATA_PREFIX']);
  });
});

describe('one Deployment, one podman run', () => {
  const plan = planContainer(parseDeployment(deploymentObject()), context);

  it('runs the manifest’s image and args as the manifest’s user, with its groups, on a read-only root', () => {
    const imageAt = plan.runArguments.indexOf('localhost/trellis-node:dev');
    expect(plan.runArguments.slice(imageAt)).toEqual([
      'localhost/trellis-node:dev',
      'apps/cart/dist/main.js',
      '--id=cart-5d8f7c9b4d-x2k9p',
    ]);
    expect(plan.runArguments).toEqual(
      expect.arrayContaining([
        '--user=1000:1000',
        '--group-add=1000',
        '--read-only',
        '--read-only-tmpfs=false',
        '--tmpfs',
        '/tmp:rw,mode=1777,size=67108864',
        '--cap-drop=all',
        '--security-opt=no-new-privileges',
        '--memory=268435456',
        '--cpus=0.5',
        '--hostname=cart-5d8f7c9b4d-x2k9p',
        '--network-alias=cart-health',
        '--add-host=rabbitmq:10.89.0.1',
      ]),
    );
    expect(plan.runArguments.some((argument) => argument.startsWith('--entrypoint'))).toBe(false);
  });

  it('passes every variable, with only the run’s places changed', () => {
    const env = envOf(plan.runArguments);
    expect(env.get('NODE_ID')).toBe('cart-5d8f7c9b4d-x2k9p');
    expect(env.get('AMQP_URL')).toBe('amqp://guest:p@ss@rabbitmq:5672/run-vhost');
    expect(env.get('PAYMENT_PROVIDER_URL')).toBe('http://payment-provider:4100');
    // 3 from envFrom, 10 from env (OPTIONAL names an absent Secret and is left out, as the kubelet does).
    expect(env.size).toBe(13);
    expect(plan.isolatedVariables).toEqual(['AMQP_URL', 'DATABASE_URL', 'DATA_PREFIX']);
  });

  it('probes the ports the probes name, with Kubernetes’ time budget, and keeps the preStop hook and grace period', () => {
    expect(plan.probes).toEqual([
      { kind: 'startup', scheme: 'HTTP', path: '/health/ready', port: 9000, budgetMs: 120_000 },
      { kind: 'readiness', scheme: 'HTTP', path: '/health/ready', port: 9000, budgetMs: 10_000 },
      { kind: 'liveness', scheme: 'HTTP', path: '/health/live', port: 9000, budgetMs: 30_000 },
    ]);
    expect(plan.preStop).toEqual({ kind: 'exec', command: ['/bin/sleep', '5'] });
    expect(plan.terminationGraceSeconds).toBe(30);
  });

  it('refuses what it cannot honour: a volume other than emptyDir, root under runAsNonRoot', () => {
    const hostPath = deploymentObject({ volumes: [{ name: 'tmp', hostPath: { path: '/var' } }] });
    expect(() => planContainer(parseDeployment(hostPath), context)).toThrow(/volume tmp is not an emptyDir/);
    const root = deploymentObject({ securityContext: { runAsUser: 0 } });
    expect(() => planContainer(parseDeployment(root), context)).toThrow(
      /runAsNonRoot, but the user would be "0"/,
    );
  });
});

describe('the dev overlay', () => {
  it('runs every node Deployment, its Services pointing at pods or at this machine’s services', async () => {
    const { objects: rendered } = await renderKustomization(overlayDirectory('dev'));
    const bundle = bundlePodsOf(rendered);
    const plans = bundle.deployments.map((deployment) =>
      planContainer(deployment, {
        ...context,
        sources: configSourcesOf(rendered),
        podName: `${deployment.metadata.name}-p`,
      }),
    );
    process.stdout.write(
      `[image-test] dev overlay: ${plans.length} pods, backing services ${bundle.backingServices.map((s) => s.service).join(', ')}\n`,
    );
    expect(plans.length).toBeGreaterThan(0);
    expect(bundle.frontEnd).toBeDefined();
    expect(bundle.backingServices.map((service) => service.service).sort()).toEqual([
      'postgres',
      'rabbitmq',
      'redis',
    ]);
    for (const plan of plans) {
      expect(plan.runArguments, plan.deployment).toContain('--read-only');
      expect(
        plan.probes.map((probe) => probe.kind),
        plan.deployment,
      ).toContain('readiness');
    }
  });
});
