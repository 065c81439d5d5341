// Rules that every name the bundle refers to resolves: the ConfigMaps, Secrets (with their keys) and
// ServiceAccounts of pods, KEDA's authentication, the broker topology's cluster and users, and the
// Services behind Ingresses and routes. A Secret outside the bundle must be one an operator creates or
// one the README tells the person deploying to create.
import { refOf } from '../kube-object';
import type { KubeObject } from '../kube-object';
import { namespaceOf } from './policy-context';
import type { PolicyContext } from './policy-context';
import { containersOf } from './policy-context';
import { operatorSecrets, USER_SUPPLIED_SECRETS } from './external-secrets';
import { defineRule } from './policy-rule';
import type { PolicyRule } from './policy-rule';

interface Reference {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name?: string | undefined;
  readonly key?: string;
  readonly optional?: boolean;
  /** Where the reference is, for messages. */
  readonly at: string;
}

/** Why a ConfigMap or Secret reference does not resolve, or `undefined` when it does. */
function unresolved(context: PolicyContext, namespace: string, reference: Reference): string | undefined {
  const { kind, name, key, at } = reference;
  if (name === undefined || name === '') return `${at}: names no ${kind}`;
  const keys = context.keysOf(kind, namespace, name);
  if (keys !== undefined) {
    return key === undefined || keys.has(key)
      ? undefined
      : `${at}: ${kind}/${name} has no key ${key} (it has ${[...keys.keys()].join(', ')})`;
  }
  if (reference.optional === true) return undefined;
  if (kind === 'ConfigMap') return `${at}: ConfigMap/${name} is not in the bundle`;
  const made = operatorSecrets(context.objects).find(
    (secret) => secret.namespace === namespace && secret.name === name,
  );
  if (made !== undefined) {
    return key === undefined || made.keys.includes(key)
      ? undefined
      : `${at}: Secret/${name}, which ${made.createdBy} creates, has no key ${key} (it has ${made.keys.join(', ')})`;
  }
  const supplied = USER_SUPPLIED_SECRETS.find((secret) => secret.pattern.test(name));
  if (supplied === undefined) {
    return `${at}: Secret/${name} is not in the bundle, no operator of the bundle creates it, and it is not a documented user-supplied Secret`;
  }
  if (!context.readme.includes(supplied.documentedAs)) {
    return `${at}: the user-supplied Secret/${name} is not documented in the README (as ${supplied.documentedAs})`;
  }
  return key === undefined || supplied.keys.includes(key)
    ? undefined
    : `${at}: the user-supplied Secret/${name} is documented with the keys ${supplied.keys.join(', ')}, not ${key}`;
}

function podReferences(spec: NonNullable<PolicyContext['workloads'][number]['spec']>): Reference[] {
  const references: Reference[] = [];
  for (const container of containersOf(spec)) {
    const at = `container ${container.name}`;
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef !== undefined)
        references.push({
          kind: 'ConfigMap',
          name: source.configMapRef.name,
          optional: source.configMapRef.optional,
          at: `${at} envFrom`,
        });
      if (source.secretRef !== undefined)
        references.push({
          kind: 'Secret',
          name: source.secretRef.name,
          optional: source.secretRef.optional,
          at: `${at} envFrom`,
        });
    }
    for (const variable of container.env ?? []) {
      const { configMapKeyRef, secretKeyRef } = variable.valueFrom ?? {};
      if (configMapKeyRef !== undefined)
        references.push({ kind: 'ConfigMap', ...configMapKeyRef, at: `${at} env ${variable.name}` });
      if (secretKeyRef !== undefined)
        references.push({ kind: 'Secret', ...secretKeyRef, at: `${at} env ${variable.name}` });
    }
  }
  for (const volume of spec.volumes ?? []) {
    const at = `volume ${volume.name}`;
    if (volume.configMap !== undefined) {
      const { name, optional, items = [] } = volume.configMap;
      references.push({ kind: 'ConfigMap', name, optional, at });
      for (const item of items) references.push({ kind: 'ConfigMap', name, optional, key: item.key, at });
    }
    if (volume.secret !== undefined) {
      const { secretName, optional, items = [] } = volume.secret;
      references.push({ kind: 'Secret', name: secretName, optional, at });
      for (const item of items)
        references.push({ kind: 'Secret', name: secretName, optional, key: item.key, at });
    }
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap !== undefined)
        references.push({
          kind: 'ConfigMap',
          name: source.configMap.name,
          optional: source.configMap.optional,
          at,
        });
      if (source.secret !== undefined)
        references.push({ kind: 'Secret', name: source.secret.name, optional: source.secret.optional, at });
    }
  }
  for (const pullSecret of spec.imagePullSecrets ?? [])
    references.push({ kind: 'Secret', name: pullSecret.name, at: 'imagePullSecrets' });
  return references;
}

const podReferencesResolve = defineRule(
  'references.pods',
  'every ConfigMap, Secret (and key) and ServiceAccount a pod names exists in the bundle, or is a Secret an operator creates or the README documents',
  (context, report) => {
    for (const workload of context.workloads) {
      if (workload.spec === undefined) continue;
      for (const reference of podReferences(workload.spec)) {
        const problem = unresolved(context, workload.namespace, reference);
        if (problem !== undefined) report(workload.ref, problem);
      }
      const account = workload.spec.serviceAccountName;
      if (
        account !== undefined &&
        account !== 'default' &&
        context.find('ServiceAccount', workload.namespace, account) === undefined
      ) {
        report(workload.ref, `ServiceAccount/${account} is not in the bundle`);
      }
    }
  },
);

function specOf<T>(object: KubeObject): T {
  return (object['spec'] ?? {}) as T;
}

const customResourceReferences = defineRule(
  'references.custom-resources',
  "KEDA's authentication references, the broker topology's cluster and user references, and cert-manager issuers resolve",
  (context, report) => {
    for (const scaled of context.ofKind('ScaledObject')) {
      for (const trigger of specOf<{ triggers?: { authenticationRef?: { name: string; kind?: string } }[] }>(
        scaled,
      ).triggers ?? []) {
        const auth = trigger.authenticationRef;
        if (auth === undefined || auth.kind === 'ClusterTriggerAuthentication') continue;
        if (context.find('TriggerAuthentication', namespaceOf(scaled), auth.name) === undefined) {
          report(refOf(scaled), `TriggerAuthentication/${auth.name} is not in the bundle`);
        }
      }
    }
    for (const auth of context.ofKind('TriggerAuthentication')) {
      for (const target of specOf<{ secretTargetRef?: { name: string; key: string; parameter: string }[] }>(
        auth,
      ).secretTargetRef ?? []) {
        const problem = unresolved(context, namespaceOf(auth), {
          kind: 'Secret',
          name: target.name,
          key: target.key,
          at: `secretTargetRef ${target.parameter}`,
        });
        if (problem !== undefined) report(refOf(auth), problem);
      }
    }
    for (const object of context.objects.filter(
      (candidate) => candidate.apiVersion.startsWith('rabbitmq.com/') && candidate.kind !== 'RabbitmqCluster',
    )) {
      const spec = specOf<{
        rabbitmqClusterReference?: { name?: string; connectionSecret?: { name: string } };
        userReference?: { name: string };
        importCredentialsSecret?: { name: string };
      }>(object);
      const cluster = spec.rabbitmqClusterReference;
      if (
        cluster?.name !== undefined &&
        context.find('RabbitmqCluster', namespaceOf(object), cluster.name) === undefined
      ) {
        report(refOf(object), `RabbitmqCluster/${cluster.name} is not in the bundle`);
      }
      if (cluster?.connectionSecret !== undefined) {
        const problem = unresolved(context, namespaceOf(object), {
          kind: 'Secret',
          name: cluster.connectionSecret.name,
          at: 'rabbitmqClusterReference.connectionSecret',
        });
        if (problem !== undefined) report(refOf(object), problem);
      }
      if (
        spec.userReference !== undefined &&
        context.find('User', namespaceOf(object), spec.userReference.name) === undefined
      ) {
        report(refOf(object), `User/${spec.userReference.name} is not in the bundle`);
      }
      if (spec.importCredentialsSecret !== undefined) {
        // The operator reads `username` and `password` from it; one finding per Secret, the first key that fails.
        const problem = ['username', 'password']
          .map((key) =>
            unresolved(context, namespaceOf(object), {
              kind: 'Secret',
              name: spec.importCredentialsSecret?.name,
              key,
              at: 'importCredentialsSecret',
            }),
          )
          .find((found) => found !== undefined);
        if (problem !== undefined) report(refOf(object), problem);
      }
    }
    for (const certificate of context.ofKind('Certificate')) {
      const issuer = specOf<{ issuerRef?: { name: string; kind?: string } }>(certificate).issuerRef;
      if (
        issuer !== undefined &&
        (issuer.kind ?? 'Issuer') === 'Issuer' &&
        context.find('Issuer', namespaceOf(certificate), issuer.name) === undefined
      ) {
        report(
          refOf(certificate),
          `Issuer/${issuer.name} is not in the bundle (a ClusterIssuer would be kind: ClusterIssuer)`,
        );
      }
    }
  },
);

interface IngressBackend {
  readonly service?: {
    readonly name: string;
    readonly port?: { readonly number?: number; readonly name?: string };
  };
}

/** Whether the bundle has a Service `name` in `namespace` with the port (by number or name). */
function servicePortProblem(
  context: PolicyContext,
  namespace: string,
  name: string,
  port: { number?: number; name?: string } | undefined,
): string | undefined {
  const service = context.find('Service', namespace, name);
  if (service === undefined) return `Service/${name} is not in the bundle`;
  if (port === undefined || (port.number === undefined && port.name === undefined)) return undefined;
  const ports = specOf<{ ports?: { name?: string; port: number }[] }>(service).ports ?? [];
  const found = ports.some((candidate) =>
    port.number !== undefined ? candidate.port === port.number : candidate.name === port.name,
  );
  return found ? undefined : `Service/${name} has no port ${String(port.number ?? port.name)}`;
}

const routeReferences = defineRule(
  'references.routes',
  'the Services (and ports) behind every Ingress and HTTPRoute exist in the bundle',
  (context, report) => {
    for (const ingress of context.ofKind('Ingress')) {
      const spec = specOf<{
        defaultBackend?: IngressBackend;
        rules?: { http?: { paths?: { backend: IngressBackend }[] } }[];
      }>(ingress);
      const backends = [
        spec.defaultBackend,
        ...(spec.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.backend)),
      ];
      for (const backend of backends) {
        if (backend?.service === undefined) continue;
        const problem = servicePortProblem(
          context,
          namespaceOf(ingress),
          backend.service.name,
          backend.service.port,
        );
        if (problem !== undefined) report(refOf(ingress), problem);
      }
    }
    for (const route of context.ofKind('HTTPRoute')) {
      const rules =
        specOf<{
          rules?: { backendRefs?: { name: string; kind?: string; namespace?: string; port?: number }[] }[];
        }>(route).rules ?? [];
      for (const backend of rules.flatMap((rule) => rule.backendRefs ?? [])) {
        if ((backend.kind ?? 'Service') !== 'Service') continue;
        const problem = servicePortProblem(
          context,
          backend.namespace ?? namespaceOf(route),
          backend.name,
          backend.port === undefined ? undefined : { number: backend.port },
        );
        if (problem !== undefined) report(refOf(route), problem);
      }
    }
  },
);

/** The reference rules, in the order they report. */
export const REFERENCE_RULES: readonly PolicyRule[] = [
  podReferencesResolve,
  customResourceReferences,
  routeReferences,
];
