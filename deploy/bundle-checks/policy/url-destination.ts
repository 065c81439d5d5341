// Where a node's connection URL (AMQP_URL, DATABASE_URL, PAYMENT_PROVIDER_URL, …) leads, as a NetworkPolicy
// destination: pods behind a Service of the bundle, pods behind a Service an operator creates, or outside.
import { groupOf } from '../kube-object';
import { mapSelects } from '../label-selector';
import type { PodOwner, PolicyContext } from './policy-context';
import type { Destination } from './network-model';
import type { IntOrString } from './pod-views';

/** The port a URL scheme means when the URL names none. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'amqp:': 5672,
  'amqps:': 5671,
  'redis:': 6379,
  'rediss:': 6379,
  'postgres:': 5432,
  'postgresql:': 5432,
  'http:': 80,
  'https:': 443,
};

interface ServicePort {
  readonly port: number;
  readonly targetPort?: IntOrString;
  readonly protocol?: string;
}

/**
 * Services operators create for their custom resources, by the resource's group/kind: the Service names
 * and which of the resource's pods they select (all of them, for these checks).
 */
const OPERATOR_SERVICES: Readonly<Record<string, (name: string) => readonly string[]>> = {
  'rabbitmq.com/RabbitmqCluster': (name) => [name],
  'postgresql.cnpg.io/Cluster': (name) => [`${name}-rw`, `${name}-ro`, `${name}-r`],
};

/** `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local` → `{ service, namespace }`. */
function serviceOfHost(host: string, namespace: string): { service: string; namespace: string } | undefined {
  const parts = host.split('.');
  if (parts.length === 1) return { service: host, namespace };
  const [service = '', ns = ''] = parts;
  const rest = parts.slice(2).join('.');
  return rest === '' || rest === 'svc' || rest === 'svc.cluster.local'
    ? { service, namespace: ns }
    : undefined;
}

function podDestination(pod: PodOwner, port: number, protocol: string): Destination {
  const named = (pod.spec?.containers ?? [])
    .flatMap((container) => container.ports ?? [])
    .find((declared) => declared.containerPort === port);
  return {
    kind: 'pods',
    namespace: pod.namespace,
    labels: pod.podLabels,
    owner: pod,
    port,
    portName: named?.name,
    protocol,
  };
}

/**
 * The destination a URL leads to from a pod in `namespace`, or `undefined` when `url` is not a URL. A host
 * that names no Service of the bundle nor of an operator is outside the cluster when it has a dot, else
 * unplaced (a Service the bundle expects elsewhere).
 */
export function destinationOfUrl(
  context: PolicyContext,
  namespace: string,
  url: string,
): Destination | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const port = parsed.port === '' ? DEFAULT_PORTS[parsed.protocol] : Number(parsed.port);
  if (port === undefined) return undefined;
  const protocol = 'TCP';
  const target = serviceOfHost(parsed.hostname, namespace);
  if (target !== undefined) {
    const service = context.find('Service', target.namespace, target.service);
    if (service !== undefined) {
      const spec = (service['spec'] ?? {}) as {
        selector?: Record<string, string>;
        ports?: readonly ServicePort[];
      };
      const pod = context.allPods.find(
        (owner) =>
          owner.namespace === target.namespace &&
          spec.selector !== undefined &&
          mapSelects(spec.selector, owner.podLabels),
      );
      const servicePort = (spec.ports ?? []).find((candidate) => candidate.port === port);
      if (pod === undefined || servicePort === undefined) return { kind: 'unplaced', port, protocol };
      const targetPort = servicePort.targetPort ?? servicePort.port;
      const number =
        typeof targetPort === 'number'
          ? targetPort
          : (pod.spec?.containers ?? [])
              .flatMap((container) => container.ports ?? [])
              .find((declared) => declared.name === targetPort)?.containerPort;
      return number === undefined
        ? { kind: 'unplaced', port, protocol }
        : podDestination(pod, number, protocol);
    }
    const operatorPod = context.operatorPods.find((owner) => {
      const names = OPERATOR_SERVICES[`${groupOf(owner.object.apiVersion)}/${owner.object.kind}`];
      return (
        owner.namespace === target.namespace &&
        (names?.(owner.object.metadata.name) ?? []).includes(target.service)
      );
    });
    if (operatorPod !== undefined) return podDestination(operatorPod, port, protocol);
  }
  return parsed.hostname.includes('.') && target === undefined
    ? { kind: 'outside', port, protocol }
    : { kind: 'unplaced', port, protocol };
}

/** For messages: where a destination is. */
export function describeDestination(destination: Destination): string {
  switch (destination.kind) {
    case 'pods':
      return `pods ${Object.entries(destination.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(',')} in ${destination.namespace} on port ${destination.port}`;
    case 'outside':
      return `outside the cluster on port ${destination.port}`;
    case 'unplaced':
      return `port ${destination.port}`;
  }
}
