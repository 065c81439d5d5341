// What the policy rules look at: the rendered objects indexed by kind, the pods they run (and the pods the
// operators will create from custom resources), each node family's workload, and the containers' settings.
import type { Blueprint, Family } from '@trellis/supervisor';

import type { KubeObject } from '../kube-object';
import { groupOf, refOf } from '../kube-object';
import type { Container, PodSpec, PodTemplate } from './pod-views';

type Labels = Readonly<Record<string, string>>;

/** The label that names a node family (and, for other workloads, the application). */
export const NAME_LABEL = 'app.kubernetes.io/name';

/** Something that runs pods: a rendered workload, or a custom resource an operator turns into pods. */
export interface PodOwner {
  readonly object: KubeObject;
  readonly ref: string;
  readonly namespace: string;
  /** The labels of the pods it runs. */
  readonly podLabels: Labels;
  /** The pod spec; absent for pods an operator creates, whose spec the bundle does not hold. */
  readonly spec?: PodSpec;
  /** The blueprint family, when the pods are nodes of one. */
  readonly family?: Family;
}

/** A rendered workload whose pods are the nodes of a blueprint family. */
export interface NodeWorkload extends PodOwner {
  readonly spec: PodSpec;
  readonly family: Family;
}

/** One environment variable of a container, with its value when the bundle determines it. */
export interface ResolvedVariable {
  readonly name: string;
  /** The value, when it is a literal or comes from a ConfigMap or Secret in the bundle. */
  readonly value?: string;
  /** Where it comes from, for messages: `value`, `ConfigMap/x`, `Secret/x`, `fieldRef`. */
  readonly source: string;
  /**
   * A literal whose `$(VAR)` references are not all known, with the known ones expanded and the others
   * left as written: enough to read the host and port of `amqp://$(USER):$(PASSWORD)@rabbitmq:5672`.
   */
  readonly partial?: string;
}

/**
 * Pods an operator creates from a custom resource, with the labels the operator gives them, so that policy
 * selectors aimed at them are checked too. Upstream: rabbitmq/cluster-operator internal/metadata/label.go,
 * cloudnative-pg pkg/utils/labels_annotations.go.
 */
const OPERATOR_POD_LABELS: Readonly<Record<string, (name: string) => Labels>> = {
  'rabbitmq.com/RabbitmqCluster': (name) => ({
    [NAME_LABEL]: name,
    'app.kubernetes.io/component': 'rabbitmq',
    'app.kubernetes.io/part-of': 'rabbitmq',
  }),
  'postgresql.cnpg.io/Cluster': (name) => ({ 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' }),
};

/** cert-manager's ACME HTTP-01 solver pods, which a Certificate (or an Ingress or Gateway annotated with an issuer) may bring. */
const HTTP01_SOLVER_LABELS: Labels = { 'acme.cert-manager.io/http01-solver': 'true' };

function bringsHttp01Solvers(object: KubeObject): boolean {
  if (`${groupOf(object.apiVersion)}/${object.kind}` === 'cert-manager.io/Certificate') return true;
  const annotations = object.metadata.annotations ?? {};
  return (
    (object.kind === 'Ingress' || object.kind === 'Gateway') &&
    Object.keys(annotations).some(
      (key) => key === 'cert-manager.io/issuer' || key === 'cert-manager.io/cluster-issuer',
    )
  );
}

function templateOf(object: KubeObject): PodTemplate | undefined {
  const spec = object['spec'] as Record<string, unknown> | undefined;
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return spec?.['template'] as PodTemplate | undefined;
    case 'CronJob':
      return (spec?.['jobTemplate'] as { spec?: { template?: PodTemplate } } | undefined)?.spec?.template;
    case 'Pod':
      return { metadata: object.metadata, spec: object['spec'] as PodSpec };
    default:
      return undefined;
  }
}

function decodeBase64(value: unknown): string | undefined {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : undefined;
}

/** The rendered bundle with the indexes the rules share. */
export class PolicyContext {
  /** Every rendered workload that has a pod template. */
  readonly workloads: readonly PodOwner[];
  /** The pods operators will create from the bundle's custom resources. */
  readonly operatorPods: readonly PodOwner[];
  /** The workloads that run nodes of a blueprint family. */
  readonly nodeWorkloads: readonly NodeWorkload[];

  constructor(
    readonly objects: readonly KubeObject[],
    readonly blueprint: Blueprint,
    /** The README, where Secrets the bundle expects but does not hold must be documented. */
    readonly readme = '',
  ) {
    const families = new Map(blueprint.families.map((family) => [family.name, family]));
    const workloads: PodOwner[] = [];
    const operatorPods: PodOwner[] = [];
    for (const object of objects) {
      const template = templateOf(object);
      const namespace = namespaceOf(object);
      if (template !== undefined) {
        const podLabels = template.metadata?.labels ?? {};
        const familyName = podLabels[NAME_LABEL];
        const family = familyName === undefined ? undefined : families.get(familyName);
        workloads.push({ object, ref: refOf(object), namespace, podLabels, spec: template.spec, family });
        continue;
      }
      const operatorLabels = OPERATOR_POD_LABELS[`${groupOf(object.apiVersion)}/${object.kind}`];
      if (operatorLabels !== undefined) {
        const podLabels = operatorLabels(object.metadata.name);
        operatorPods.push({ object, ref: refOf(object), namespace, podLabels });
      }
      if (
        bringsHttp01Solvers(object) &&
        !operatorPods.some((pod) => pod.namespace === namespace && pod.podLabels === HTTP01_SOLVER_LABELS)
      ) {
        operatorPods.push({ object, ref: refOf(object), namespace, podLabels: HTTP01_SOLVER_LABELS });
      }
    }
    this.workloads = workloads;
    this.operatorPods = operatorPods;
    this.nodeWorkloads = workloads.filter(
      (owner): owner is NodeWorkload => owner.family !== undefined && owner.spec !== undefined,
    );
  }

  /** Every pod owner: rendered workloads and the pods operators create. */
  get allPods(): readonly PodOwner[] {
    return [...this.workloads, ...this.operatorPods];
  }

  /** The rendered objects of one kind (any API group). */
  ofKind(kind: string): KubeObject[] {
    return this.objects.filter((object) => object.kind === kind);
  }

  /** The object of `kind` named `name` in `namespace`, if the bundle holds it. */
  find(kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.objects.find(
      (object) => object.kind === kind && object.metadata.name === name && namespaceOf(object) === namespace,
    );
  }

  /** The keys of a ConfigMap or Secret in the bundle, or `undefined` when the bundle does not hold it. */
  keysOf(
    kind: 'ConfigMap' | 'Secret',
    namespace: string,
    name: string,
  ): Map<string, string | undefined> | undefined {
    const object = this.find(kind, namespace, name);
    if (object === undefined) return undefined;
    const keys = new Map<string, string | undefined>();
    const data = (object['data'] ?? {}) as Record<string, unknown>;
    const binary = (object['binaryData'] ?? {}) as Record<string, unknown>;
    const stringData = (object['stringData'] ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(data)) {
      keys.set(key, kind === 'Secret' ? decodeBase64(value) : typeof value === 'string' ? value : undefined);
    }
    for (const key of Object.keys(binary)) keys.set(key, undefined);
    for (const [key, value] of Object.entries(stringData))
      keys.set(key, typeof value === 'string' ? value : undefined);
    return keys;
  }

  /**
   * A container's environment as Kubernetes builds it: `envFrom` first, then `env` over it, with `$(VAR)`
   * references to earlier variables expanded. Values from objects outside the bundle stay unknown.
   */
  environmentOf(namespace: string, container: Container): Map<string, ResolvedVariable> {
    const variables = new Map<string, ResolvedVariable>();
    for (const source of container.envFrom ?? []) {
      const reference = source.configMapRef ?? source.secretRef;
      const kind = source.configMapRef !== undefined ? 'ConfigMap' : 'Secret';
      if (reference?.name === undefined) continue;
      const keys = this.keysOf(kind, namespace, reference.name);
      for (const [key, value] of keys ?? []) {
        const name = `${source.prefix ?? ''}${key}`;
        variables.set(name, { name, value, source: `${kind}/${reference.name}` });
      }
    }
    for (const variable of container.env ?? []) {
      variables.set(variable.name, this.resolveVariable(namespace, variable, variables));
    }
    return variables;
  }

  private resolveVariable(
    namespace: string,
    variable: NonNullable<Container['env']>[number],
    earlier: ReadonlyMap<string, ResolvedVariable>,
  ): ResolvedVariable {
    const { name, value, valueFrom } = variable;
    if (valueFrom === undefined) {
      return { name, ...expand(value ?? '', earlier), source: 'value' };
    }
    const keyRef = valueFrom.configMapKeyRef ?? valueFrom.secretKeyRef;
    if (keyRef?.name !== undefined) {
      const kind = valueFrom.configMapKeyRef !== undefined ? 'ConfigMap' : 'Secret';
      return {
        name,
        value: this.keysOf(kind, namespace, keyRef.name)?.get(keyRef.key),
        source: `${kind}/${keyRef.name}`,
      };
    }
    return { name, source: valueFrom.fieldRef !== undefined ? 'fieldRef' : 'resourceFieldRef' };
  }
}

/**
 * `$(VAR)` expanded from earlier variables as the kubelet does (`$$` escapes, references to undefined
 * variables stay as written); when an earlier variable's value is unknown, only `partial` is set.
 */
function expand(
  value: string,
  earlier: ReadonlyMap<string, ResolvedVariable>,
): { value?: string; partial?: string } {
  let unknown = false;
  const expanded = value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name?: string) => {
    if (name === undefined) return '$';
    const known = earlier.get(name);
    if (known === undefined) return match;
    if (known.value === undefined) unknown = true;
    return known.value ?? match;
  });
  return unknown ? { partial: expanded } : { value: expanded };
}

/** The namespace an object lands in (`default` when the bundle leaves it unset). */
export function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace ?? 'default';
}

/** Every container of a pod spec, init containers first. */
export function containersOf(spec: PodSpec): readonly Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}
