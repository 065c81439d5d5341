// The policy rules hold on a small good bundle, and each rule fails, naming the object, on a copy of it
// with one deliberate defect: so a rule that passes on the real bundle is a rule that could have failed.
import { join } from 'node:path';

import { loadBlueprint } from '@trellis/supervisor';
import type { Blueprint } from '@trellis/supervisor';
import { beforeAll, describe, expect, it } from 'vitest';

import { formatFindings } from '../bundle-checks/finding';
import type { KubeObject } from '../bundle-checks/kube-object';
import { checkPolicy, POLICY_RULES } from '../bundle-checks/policy/policy-rules';
import { renderKustomization } from '../bundle-checks/render-overlay';
import { timed } from '../bundle-checks/step-timer';
import { edited, REMOVE, withObjects, without } from './support/fixture-edits';

const FIXTURES = join(__dirname, 'fixtures');
const NS = 'trellis-fixture';
const deployment = (name: string) => `Deployment/${NS}/${name}`;
const container = (index = 0) => ['spec', 'template', 'spec', 'containers', index] as const;
const podSpec = ['spec', 'template', 'spec'] as const;

interface Breakage {
  /** What is wrong with the copy, in words. */
  readonly defect: string;
  readonly rule: string;
  /** The object the finding must name. */
  readonly object: string;
  readonly message: RegExp;
  readonly breakBundle: (objects: readonly KubeObject[]) => KubeObject[];
}

const RABBITMQ_CLUSTER: KubeObject = {
  apiVersion: 'rabbitmq.com/v1beta1',
  kind: 'RabbitmqCluster',
  metadata: {
    name: 'broker',
    namespace: NS,
    labels: { 'app.kubernetes.io/name': 'broker', 'app.kubernetes.io/part-of': 'trellis' },
  },
  spec: { replicas: 3 },
};

/** A Redis inside the namespace, which the default deny closes to the nodes: REDIS_URL (redis://redis:6379) now leads to it. */
const IN_CLUSTER_REDIS: KubeObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'redis', namespace: NS },
    spec: { selector: { 'app.kubernetes.io/name': 'redis' }, ports: [{ port: 6379, targetPort: 6379 }] },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'redis', namespace: NS },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'redis' } },
        spec: {
          containers: [
            { name: 'redis', image: 'redis:7.2-alpine', ports: [{ name: 'redis', containerPort: 6379 }] },
          ],
        },
      },
    },
  },
];

const BREAKAGES: readonly Breakage[] = [
  {
    defect: 'no liveness probe',
    rule: 'pod.probes',
    object: deployment('cart'),
    message: /livenessProbe must be an httpGet probe/,
    breakBundle: (o) => edited(o, deployment('cart'), [...container(), 'livenessProbe'], REMOVE),
  },
  {
    defect: 'readiness probe on the live path',
    rule: 'pod.probes',
    object: deployment('cart'),
    message: /readinessProbe probes \/health\/live/,
    breakBundle: (o) =>
      edited(o, deployment('cart'), [...container(), 'readinessProbe', 'httpGet', 'path'], '/health/live'),
  },
  {
    defect: 'startup probe on another port',
    rule: 'pod.probes',
    object: deployment('payments'),
    message: /startupProbe probes port 9001/,
    breakBundle: (o) =>
      edited(o, deployment('payments'), [...container(), 'startupProbe', 'httpGet', 'port'], 9001),
  },
  {
    defect: 'health server on the loopback address',
    rule: 'pod.probes',
    object: deployment('gateway'),
    message: /HEALTH_HOST must be 0\.0\.0\.0/,
    breakBundle: (o) => edited(o, `ConfigMap/${NS}/trellis-settings`, ['data', 'HEALTH_HOST'], '127.0.0.1'),
  },
  {
    defect: 'health port not declared',
    rule: 'pod.probes',
    object: deployment('gateway'),
    message: /health port 9000 \(HEALTH_PORT\) is not among the container's ports/,
    breakBundle: (o) => edited(o, deployment('gateway'), [...container(), 'ports', 1], REMOVE),
  },
  {
    defect: 'no memory limit',
    rule: 'pod.resources',
    object: deployment('gateway'),
    message: /limits\.memory is not set/,
    breakBundle: (o) =>
      edited(o, deployment('gateway'), [...container(), 'resources', 'limits', 'memory'], REMOVE),
  },
  {
    defect: 'cpu request off the profile',
    rule: 'pod.resources',
    object: deployment('cart'),
    message: /requests\.cpu is 250m, but profile cpu/,
    breakBundle: (o) =>
      edited(o, deployment('cart'), [...container(), 'resources', 'requests', 'cpu'], '250m'),
  },
  {
    defect: 'affinity to another node class',
    rule: 'pod.profile-scheduling',
    object: deployment('payments'),
    message: /trellis\.dev\/node-class=io/,
    breakBundle: (o) =>
      edited(
        o,
        deployment('payments'),
        [
          ...podSpec,
          'affinity',
          'nodeAffinity',
          'preferredDuringSchedulingIgnoredDuringExecution',
          0,
          'preference',
          'matchExpressions',
          0,
          'values',
        ],
        ['cpu'],
      ),
  },
  {
    defect: 'runAsNonRoot unset',
    rule: 'pod.restricted-security',
    object: deployment('cart'),
    message: /runAsNonRoot is not true/,
    breakBundle: (o) =>
      edited(o, deployment('cart'), [...podSpec, 'securityContext', 'runAsNonRoot'], REMOVE),
  },
  {
    defect: 'privilege escalation allowed',
    rule: 'pod.restricted-security',
    object: deployment('cart'),
    message: /allowPrivilegeEscalation is not false/,
    breakBundle: (o) =>
      edited(o, deployment('cart'), [...container(), 'securityContext', 'allowPrivilegeEscalation'], true),
  },
  {
    defect: 'capabilities kept',
    rule: 'pod.restricted-security',
    object: deployment('payments'),
    message: /does not drop ALL capabilities/,
    breakBundle: (o) =>
      edited(o, deployment('payments'), [...container(), 'securityContext', 'capabilities', 'drop'], []),
  },
  {
    defect: 'seccomp unconfined',
    rule: 'pod.restricted-security',
    object: deployment('gateway'),
    message: /seccompProfile is Unconfined/,
    breakBundle: (o) =>
      edited(
        o,
        deployment('gateway'),
        [...podSpec, 'securityContext', 'seccompProfile', 'type'],
        'Unconfined',
      ),
  },
  {
    defect: 'a hostPath volume',
    rule: 'pod.restricted-security',
    object: deployment('gateway'),
    message: /volume tmp is a hostPath volume/,
    breakBundle: (o) =>
      edited(o, deployment('gateway'), [...podSpec, 'volumes', 0], {
        name: 'tmp',
        hostPath: { path: '/tmp' },
      }),
  },
  {
    defect: 'host network',
    rule: 'pod.restricted-security',
    object: deployment('gateway'),
    message: /hostNetwork is true/,
    breakBundle: (o) => edited(o, deployment('gateway'), [...podSpec, 'hostNetwork'], true),
  },
  {
    defect: 'privileged container',
    rule: 'pod.restricted-security',
    object: deployment('gateway'),
    message: /is privileged/,
    breakBundle: (o) =>
      edited(o, deployment('gateway'), [...container(), 'securityContext', 'privileged'], true),
  },
  {
    defect: 'writable root filesystem',
    rule: 'pod.read-only-root',
    object: deployment('payment-provider'),
    message: /readOnlyRootFilesystem is not true/,
    breakBundle: (o) =>
      edited(
        o,
        deployment('payment-provider'),
        [...container(), 'securityContext', 'readOnlyRootFilesystem'],
        false,
      ),
  },
  {
    defect: 'latest tag',
    rule: 'pod.image-tags',
    object: deployment('cart'),
    message: /uses the latest tag/,
    breakBundle: (o) =>
      edited(
        o,
        deployment('cart'),
        [...container(), 'image'],
        'ghcr.io/trellis-platform/trellis-node:latest',
      ),
  },
  {
    defect: 'untagged image',
    rule: 'pod.image-tags',
    object: deployment('cart'),
    message: /has no tag/,
    breakBundle: (o) =>
      edited(o, deployment('cart'), [...container(), 'image'], 'localhost:5000/trellis-node'),
  },
  {
    defect: 'grace period within shutdown plus pause',
    rule: 'pod.grace-period',
    object: deployment('cart'),
    message:
      /terminationGracePeriodSeconds 15 is not above the graceful shutdown 10s plus the preStop pause 5s/,
    breakBundle: (o) => edited(o, deployment('cart'), [...podSpec, 'terminationGracePeriodSeconds'], 15),
  },
  {
    defect: 'longer shutdown than the grace period allows',
    rule: 'pod.grace-period',
    object: deployment('gateway'),
    message: /graceful shutdown 28s/,
    breakBundle: (o) =>
      edited(o, `ConfigMap/${NS}/trellis-settings`, ['data', 'SHUTDOWN_TIMEOUT_MS'], '28000'),
  },
  {
    defect: 'no preStop pause',
    rule: 'pod.grace-period',
    object: deployment('payments'),
    message: /has no preStop pause/,
    breakBundle: (o) => edited(o, deployment('payments'), [...container(), 'lifecycle'], REMOVE),
  },
  {
    defect: 'no zone spreading',
    rule: 'pod.topology-spread',
    object: deployment('cart'),
    message: /no topologySpreadConstraint on topology\.kubernetes\.io\/zone/,
    breakBundle: (o) => edited(o, deployment('cart'), [...podSpec, 'topologySpreadConstraints', 1], REMOVE),
  },
  {
    defect: 'an API token mounted',
    rule: 'pod.service-account',
    object: deployment('cart'),
    message: /mounts an API token/,
    breakBundle: (o) =>
      edited(
        edited(o, `ServiceAccount/${NS}/cart`, ['automountServiceAccountToken'], true),
        deployment('cart'),
        [...podSpec, 'automountServiceAccountToken'],
        REMOVE,
      ),
  },
  {
    defect: 'no PDB',
    rule: 'scaling.pdb-per-family',
    object: deployment('cart'),
    message: /0 PodDisruptionBudgets select its pods/,
    breakBundle: (o) => without(o, `PodDisruptionBudget/${NS}/cart`),
  },
  {
    defect: 'no HPA for the gateway',
    rule: 'scaling.autoscaler-per-family',
    object: deployment('gateway'),
    message: /0 autoscalers target it/,
    breakBundle: (o) => without(o, `HorizontalPodAutoscaler/${NS}/gateway`),
  },
  {
    defect: 'a logic family scaled on CPU',
    rule: 'scaling.autoscaler-per-family',
    object: `ScaledObject/${NS}/cart`,
    message: /KEDA ScaledObject with a rabbitmq trigger/,
    breakBundle: (o) => edited(o, `ScaledObject/${NS}/cart`, ['spec', 'triggers', 0, 'type'], 'cpu'),
  },
  {
    defect: 'PDB floor at the minimum',
    rule: 'scaling.min-above-pdb-floor',
    object: `ScaledObject/${NS}/cart`,
    message: /minimum replicas 2 is not above the floor 2/,
    breakBundle: (o) => edited(o, `PodDisruptionBudget/${NS}/cart`, ['spec', 'minAvailable'], 2),
  },
  {
    defect: 'KEDA minimum left to its default 0',
    rule: 'scaling.min-above-pdb-floor',
    object: `ScaledObject/${NS}/payments`,
    message: /minimum replicas 0 is not above the floor 0/,
    breakBundle: (o) => edited(o, `ScaledObject/${NS}/payments`, ['spec', 'minReplicaCount'], REMOVE),
  },
  {
    defect: 'autoscaler minimum off the blueprint',
    rule: 'scaling.replicas-from-blueprint',
    object: `ScaledObject/${NS}/cart`,
    message: /minimum replicas 3, but the blueprint .* counts 2 nodes of cart/,
    breakBundle: (o) => edited(o, `ScaledObject/${NS}/cart`, ['spec', 'minReplicaCount'], 3),
  },
  {
    defect: 'replicas off the blueprint',
    rule: 'scaling.replicas-from-blueprint',
    object: deployment('gateway'),
    message: /replicas 3, but the blueprint/,
    breakBundle: (o) => edited(o, deployment('gateway'), ['spec', 'replicas'], 3),
  },
  {
    defect: 'a family not deployed',
    rule: 'scaling.replicas-from-blueprint',
    object: 'family/payments',
    message: /no workload runs its pods/,
    breakBundle: (o) => without(o, deployment('payments')),
  },
  {
    defect: 'rolling update may lose capacity',
    rule: 'rollout.keeps-capacity',
    object: deployment('cart'),
    message: /maxUnavailable is 25% \(the default\), not 0/,
    breakBundle: (o) => edited(o, deployment('cart'), ['spec', 'strategy'], REMOVE),
  },
  {
    defect: 'no default deny',
    rule: 'network.default-deny',
    object: `Namespace/${NS}`,
    message: /no NetworkPolicy denies all ingress and egress/,
    breakBundle: (o) => without(o, `NetworkPolicy/${NS}/default-deny`),
  },
  {
    defect: 'a pod no policy lets through',
    rule: 'network.pod-coverage',
    object: deployment('payment-provider'),
    message: /no NetworkPolicy lets any traffic/,
    breakBundle: (o) => without(o, `NetworkPolicy/${NS}/provider-from-payments`),
  },
  {
    defect: 'a logic node open to other namespaces',
    rule: 'network.outside-ingress-gateway-only',
    object: deployment('cart'),
    message: /lets traffic from outside the namespace reach a logic node/,
    breakBundle: (o) =>
      edited(
        o,
        `NetworkPolicy/${NS}/gateway-ingress`,
        ['spec', 'podSelector', 'matchLabels', 'app.kubernetes.io/name'],
        'cart',
      ),
  },
  {
    defect: 'a gateway behind an Ingress but closed to other namespaces',
    rule: 'network.outside-ingress-gateway-only',
    object: deployment('gateway'),
    message: /no NetworkPolicy lets traffic from outside the namespace reach it/,
    breakBundle: (o) =>
      withObjects(
        edited(
          o,
          `NetworkPolicy/${NS}/gateway-ingress`,
          ['spec', 'ingress', 0, 'from'],
          [{ podSelector: {} }],
        ),
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'gateway', namespace: NS },
          spec: { defaultBackend: { service: { name: 'gateway', port: { number: 80 } } } },
        },
      ),
  },
  {
    defect: 'the cart nodes may reach the provider',
    rule: 'network.provider-egress-payments-only',
    object: deployment('cart'),
    message: /may reach the payment provider/,
    breakBundle: (o) =>
      edited(o, `NetworkPolicy/${NS}/payments-to-provider`, ['spec', 'podSelector'], {
        matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['payments', 'cart'] }],
      }),
  },
  {
    defect: 'payments cannot reach the provider',
    rule: 'network.provider-egress-payments-only',
    object: deployment('payments'),
    message: /do not let it reach the payment provider/,
    breakBundle: (o) => without(o, `NetworkPolicy/${NS}/payments-to-provider`),
  },
  {
    defect: 'a provider that does not let payments in',
    rule: 'network.provider-egress-payments-only',
    object: deployment('payments'),
    message:
      /the NetworkPolicies of Deployment\/trellis-fixture\/payment-provider do not let it in on port 4100/,
    breakBundle: (o) =>
      edited(
        o,
        `NetworkPolicy/${NS}/provider-from-payments`,
        ['spec', 'ingress', 0, 'from', 0, 'podSelector', 'matchLabels', 'app.kubernetes.io/name'],
        'cart',
      ),
  },
  {
    defect: 'an in-cluster Redis that lets no node in',
    rule: 'network.node-egress-reaches-backing-services',
    object: deployment('cart'),
    message:
      /the NetworkPolicies of Deployment\/trellis-fixture\/redis do not let it in on REDIS_URL's port 6379/,
    breakBundle: (o) => withObjects(o, ...IN_CLUSTER_REDIS),
  },
  {
    defect: 'no DNS egress',
    rule: 'network.node-egress-reaches-backing-services',
    object: deployment('cart'),
    message: /do not allow DNS \(port 53\/UDP\)/,
    breakBundle: (o) => edited(o, `NetworkPolicy/${NS}/nodes-egress`, ['spec', 'egress', 0], REMOVE),
  },
  {
    defect: 'no egress to Redis',
    rule: 'network.node-egress-reaches-backing-services',
    object: deployment('cart'),
    message: /reach REDIS_URL \(pods|reach REDIS_URL \(port 6379\)/,
    breakBundle: (o) =>
      edited(o, `NetworkPolicy/${NS}/nodes-egress`, ['spec', 'egress', 1, 'ports', 1], REMOVE),
  },
  {
    defect: 'egress to every port',
    rule: 'network.node-egress-limited',
    object: deployment('gateway'),
    message: /egress\[1\] allows every port/,
    breakBundle: (o) => edited(o, `NetworkPolicy/${NS}/nodes-egress`, ['spec', 'egress', 1, 'ports'], REMOVE),
  },
  {
    defect: 'egress to a port no URL uses',
    rule: 'network.node-egress-limited',
    object: deployment('cart'),
    message: /allows port 443\/TCP/,
    breakBundle: (o) =>
      edited(o, `NetworkPolicy/${NS}/nodes-egress`, ['spec', 'egress', 1, 'ports', 3], {
        protocol: 'TCP',
        port: 443,
      }),
  },
  {
    defect: 'a workload selector that misses its template',
    rule: 'selectors.workload',
    object: deployment('cart'),
    message: /does not select its pod template/,
    breakBundle: (o) =>
      edited(o, deployment('cart'), ['spec', 'selector', 'matchLabels', 'app.kubernetes.io/name'], 'carts'),
  },
  {
    defect: 'a Service selecting nothing',
    rule: 'selectors.service',
    object: `Service/${NS}/gateway`,
    message: /selects no pods/,
    breakBundle: (o) =>
      edited(o, `Service/${NS}/gateway`, ['spec', 'selector', 'app.kubernetes.io/name'], 'gate-way'),
  },
  {
    defect: 'a Service targeting an undeclared port',
    rule: 'selectors.service',
    object: `Service/${NS}/gateway`,
    message: /targets htp/,
    breakBundle: (o) => edited(o, `Service/${NS}/gateway`, ['spec', 'ports', 0, 'targetPort'], 'htp'),
  },
  {
    defect: 'a PDB selecting nothing',
    rule: 'selectors.pdb',
    object: `PodDisruptionBudget/${NS}/payments`,
    message: /selects no pods/,
    breakBundle: (o) =>
      edited(
        o,
        `PodDisruptionBudget/${NS}/payments`,
        ['spec', 'selector', 'matchLabels', 'app.kubernetes.io/name'],
        'payment',
      ),
  },
  {
    defect: 'a policy peer selecting nothing',
    rule: 'selectors.network-policy',
    object: `NetworkPolicy/${NS}/provider-from-payments`,
    message: /ingress\.from peer's podSelector .* selects no pods/,
    breakBundle: (o) =>
      edited(
        o,
        `NetworkPolicy/${NS}/provider-from-payments`,
        ['spec', 'ingress', 0, 'from', 0, 'podSelector', 'matchLabels', 'app.kubernetes.io/name'],
        'payment',
      ),
  },
  {
    defect: 'a family without a Service',
    rule: 'selectors.family-service',
    object: deployment('cart'),
    message: /no Service selecting its pods reaches its health port \(HEALTH_PORT\) 9000/,
    breakBundle: (o) => without(o, `Service/${NS}/cart`),
  },
  {
    defect: 'a gateway Service without the client port',
    rule: 'selectors.family-service',
    object: deployment('gateway'),
    message: /reaches its client port \(GATEWAY_PORT\) 3000/,
    breakBundle: (o) => edited(o, `Service/${NS}/gateway`, ['spec', 'ports', 0], REMOVE),
  },
  {
    defect: 'an autoscaler aimed at nothing',
    rule: 'selectors.autoscaler-target',
    object: `HorizontalPodAutoscaler/${NS}/gateway`,
    message: /scaleTargetRef Deployment\/gateways is not in the bundle/,
    breakBundle: (o) =>
      edited(o, `HorizontalPodAutoscaler/${NS}/gateway`, ['spec', 'scaleTargetRef', 'name'], 'gateways'),
  },
  {
    defect: 'a Secret key that does not exist',
    rule: 'references.pods',
    object: deployment('cart'),
    message: /Secret\/trellis-credentials has no key REDIS_ADDRESS/,
    breakBundle: (o) =>
      edited(
        o,
        deployment('cart'),
        [...container(), 'env', 4, 'valueFrom', 'secretKeyRef', 'key'],
        'REDIS_ADDRESS',
      ),
  },
  {
    defect: 'a ConfigMap that does not exist',
    rule: 'references.pods',
    object: deployment('gateway'),
    message: /ConfigMap\/trellis-setting is not in the bundle/,
    breakBundle: (o) =>
      edited(
        o,
        deployment('gateway'),
        [...container(), 'envFrom', 0, 'configMapRef', 'name'],
        'trellis-setting',
      ),
  },
  {
    defect: 'a ServiceAccount that does not exist',
    rule: 'references.pods',
    object: deployment('gateway'),
    message: /ServiceAccount\/gateway-node is not in the bundle/,
    breakBundle: (o) => edited(o, deployment('gateway'), [...podSpec, 'serviceAccountName'], 'gateway-node'),
  },
  {
    defect: 'a Secret nobody creates',
    rule: 'references.pods',
    object: deployment('cart'),
    message: /Secret\/broker-default-user is not in the bundle, no operator of the bundle creates it/,
    breakBundle: (o) =>
      edited(o, deployment('cart'), [...container(), 'env', 3, 'valueFrom', 'secretKeyRef'], {
        name: 'broker-default-user',
        key: 'password',
      }),
  },
  {
    defect: 'an operator Secret key that the operator does not write',
    rule: 'references.pods',
    object: deployment('cart'),
    message:
      /Secret\/broker-default-user, which the RabbitMQ Cluster Operator creates, has no key connection_string/,
    breakBundle: (o) =>
      withObjects(
        edited(o, deployment('cart'), [...container(), 'env', 3, 'valueFrom', 'secretKeyRef'], {
          name: 'broker-default-user',
          key: 'connection_string',
        }),
        RABBITMQ_CLUSTER,
      ),
  },
  {
    defect: 'KEDA authentication that does not exist',
    rule: 'references.custom-resources',
    object: `ScaledObject/${NS}/cart`,
    message: /TriggerAuthentication\/cart-rabbit is not in the bundle/,
    breakBundle: (o) =>
      edited(
        o,
        `ScaledObject/${NS}/cart`,
        ['spec', 'triggers', 0, 'authenticationRef', 'name'],
        'cart-rabbit',
      ),
  },
  {
    defect: 'KEDA authentication from a missing key',
    rule: 'references.custom-resources',
    object: `TriggerAuthentication/${NS}/payments-broker`,
    message: /has no key AMQP_HOST/,
    breakBundle: (o) =>
      edited(
        o,
        `TriggerAuthentication/${NS}/payments-broker`,
        ['spec', 'secretTargetRef', 0, 'key'],
        'AMQP_HOST',
      ),
  },
  {
    defect: 'an Ingress to a missing Service port',
    rule: 'references.routes',
    object: `Ingress/${NS}/gateway`,
    message: /Service\/gateway has no port 8080/,
    breakBundle: (o) =>
      withObjects(o, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'gateway', namespace: NS },
        spec: { defaultBackend: { service: { name: 'gateway', port: { number: 8080 } } } },
      }),
  },
  {
    defect: 'no component label on the pods',
    rule: 'labels.recommended',
    object: deployment('cart'),
    message: /its pod template: app\.kubernetes\.io\/component is unset, not the node type logic/,
    breakBundle: (o) =>
      edited(
        o,
        deployment('cart'),
        ['spec', 'template', 'metadata', 'labels', 'app.kubernetes.io/component'],
        REMOVE,
      ),
  },
  {
    defect: 'an object outside the platform',
    rule: 'labels.recommended',
    object: `ConfigMap/${NS}/trellis-settings`,
    message: /part-of is unset, not trellis/,
    breakBundle: (o) =>
      edited(
        o,
        `ConfigMap/${NS}/trellis-settings`,
        ['metadata', 'labels', 'app.kubernetes.io/part-of'],
        REMOVE,
      ),
  },
];

let bundle: readonly KubeObject[] = [];
let blueprint: Blueprint;

beforeAll(async () => {
  bundle = (await timed('render the policy fixture', () => renderKustomization(join(FIXTURES, 'bundle'))))
    .objects;
  blueprint = await loadBlueprint(join(FIXTURES, 'blueprint.yaml'), {});
});

describe('policy rules on the fixture bundle', () => {
  it('the good fixture breaks no rule', () => {
    const findings = checkPolicy({ objects: bundle, blueprint });
    expect(formatFindings(findings)).toBe('(none)');
  });

  it('accepts a Secret key an operator of the bundle writes', () => {
    const objects = withObjects(
      edited(bundle, deployment('cart'), [...container(), 'env', 3, 'valueFrom', 'secretKeyRef'], {
        name: 'broker-default-user',
        key: 'password',
      }),
      RABBITMQ_CLUSTER,
    );
    expect(formatFindings(checkPolicy({ objects, blueprint }, ['references.pods']))).toBe('(none)');
  });

  it.each(BREAKAGES)('$rule fails on $defect, naming $object', ({ rule, object, message, breakBundle }) => {
    const findings = checkPolicy({ objects: breakBundle(bundle), blueprint });
    const named = findings.filter(
      (finding) => finding.rule === rule && finding.object === object && message.test(finding.message),
    );
    expect(named, `findings were:\n${formatFindings(findings)}`).not.toHaveLength(0);
  });

  it('every rule has a broken fixture that makes it fail', () => {
    const shown = new Set(BREAKAGES.map((breakage) => breakage.rule));
    const unshown = POLICY_RULES.map((rule) => rule.name).filter((name) => !shown.has(name));
    process.stdout.write(
      `[bundle-checks] policy rules: ${POLICY_RULES.length}, broken fixtures: ${BREAKAGES.length}\n`,
    );
    expect(unshown).toEqual([]);
  });
});
