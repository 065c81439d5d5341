// NetworkPolicy semantics the network rules need: which policies select a pod, which peers a rule admits,
// and whether an egress rule lets a pod reach a given destination and port.
import type { KubeObject } from '../kube-object';
import type { LabelSelector } from '../label-selector';
import { selectorSelects } from '../label-selector';
import { namespaceOf } from './policy-context';
import type { PodOwner, PolicyContext } from './policy-context';
import type { IntOrString } from './pod-views';

export interface PolicyPort {
  readonly protocol?: string;
  readonly port?: IntOrString;
  readonly endPort?: number;
}

export interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface TrafficRule {
  readonly from?: readonly PolicyPeer[];
  readonly to?: readonly PolicyPeer[];
  readonly ports?: readonly PolicyPort[];
}

export interface NetworkPolicySpec {
  readonly podSelector: LabelSelector;
  readonly policyTypes?: readonly string[];
  readonly ingress?: readonly TrafficRule[];
  readonly egress?: readonly TrafficRule[];
}

/** A NetworkPolicy of the bundle with its spec. */
export interface Policy {
  readonly object: KubeObject;
  readonly namespace: string;
  readonly spec: NetworkPolicySpec;
}

/** Where traffic goes: pods of the cluster (with their labels and named ports), outside it, or unknown. */
export type Destination =
  | {
      readonly kind: 'pods';
      readonly namespace: string;
      readonly labels: Readonly<Record<string, string>>;
      /** The workload (or custom resource) whose pods these are. */
      readonly owner: PodOwner;
      readonly port: number;
      readonly portName?: string;
      readonly protocol: string;
    }
  | { readonly kind: 'outside'; readonly port: number; readonly protocol: string }
  /** A host the bundle cannot place (e.g. from a Secret it does not hold): any peer may cover it, only the port is known. */
  | { readonly kind: 'unplaced'; readonly port: number; readonly protocol: string };

/** The label every namespace carries with its own name (Kubernetes 1.22+). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The bundle's NetworkPolicies. */
export function policiesOf(context: PolicyContext): Policy[] {
  return context.ofKind('NetworkPolicy').map((object) => ({
    object,
    namespace: namespaceOf(object),
    spec: (object['spec'] ?? { podSelector: {} }) as NetworkPolicySpec,
  }));
}

/** The policy types in force: as listed, else Ingress, plus Egress when the policy has egress rules. */
export function policyTypesOf(spec: NetworkPolicySpec): readonly string[] {
  return spec.policyTypes ?? (spec.egress === undefined ? ['Ingress'] : ['Ingress', 'Egress']);
}

/** The policies of the pod's namespace that select it. */
export function policiesSelecting(policies: readonly Policy[], pod: PodOwner): Policy[] {
  return policies.filter(
    (policy) => policy.namespace === pod.namespace && selectorSelects(policy.spec.podSelector, pod.podLabels),
  );
}

/** The ingress rules in force for a policy (none when it does not govern ingress). */
export function ingressRules(policy: Policy): readonly TrafficRule[] {
  return policyTypesOf(policy.spec).includes('Ingress') ? (policy.spec.ingress ?? []) : [];
}

/** The egress rules in force for a policy (none when it does not govern egress). */
export function egressRules(policy: Policy): readonly TrafficRule[] {
  return policyTypesOf(policy.spec).includes('Egress') ? (policy.spec.egress ?? []) : [];
}

/**
 * Whether a namespace selector can pick a namespace other than `namespace`: only a selector on the
 * namespace-name label with exactly `namespace` cannot.
 */
function reachesOtherNamespaces(selector: LabelSelector, namespace: string): boolean {
  const labels = selector.matchLabels ?? {};
  const expressions = selector.matchExpressions ?? [];
  if (labels[NAMESPACE_NAME_LABEL] === namespace) return false;
  return !expressions.some(
    (expression) =>
      expression.key === NAMESPACE_NAME_LABEL &&
      expression.operator === 'In' &&
      (expression.values ?? []).length === 1 &&
      expression.values?.[0] === namespace,
  );
}

/** Whether an ingress rule admits traffic from outside `namespace` (any address block counts as outside). */
export function admitsFromOutside(rule: TrafficRule, namespace: string): boolean {
  const peers = rule.from ?? [];
  if (peers.length === 0) return true;
  return peers.some(
    (peer) =>
      peer.ipBlock !== undefined ||
      (peer.namespaceSelector !== undefined && reachesOtherNamespaces(peer.namespaceSelector, namespace)),
  );
}

function namespaceSelectorPicks(selector: LabelSelector, namespace: string): boolean {
  // Only the namespace-name label is known for sure; other namespace labels may be on it, so count them as a match.
  const labels = selector.matchLabels ?? {};
  const named = labels[NAMESPACE_NAME_LABEL];
  if (named !== undefined) return named === namespace;
  return true;
}

/** Whether a peer of an egress rule covers the destination. Address blocks may hold pod addresses too, so they cover every destination. */
function peerCovers(peer: PolicyPeer, from: string, destination: Destination): boolean {
  if (peer.ipBlock !== undefined || destination.kind === 'unplaced') return true;
  if (destination.kind === 'outside') return false;
  const namespaceMatches =
    peer.namespaceSelector === undefined
      ? destination.namespace === from
      : namespaceSelectorPicks(peer.namespaceSelector, destination.namespace);
  return namespaceMatches && selectorSelects(peer.podSelector ?? {}, destination.labels);
}

function portCovers(port: PolicyPort, destination: Destination): boolean {
  if ((port.protocol ?? 'TCP') !== destination.protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'string' && !/^\d+$/.test(port.port)) {
    return destination.kind === 'pods' && destination.portName === port.port;
  }
  const first = Number(port.port);
  return destination.port >= first && destination.port <= (port.endPort ?? first);
}

/** Whether an egress rule of a pod in namespace `from` lets it reach `destination`. */
export function egressCovers(rule: TrafficRule, from: string, destination: Destination): boolean {
  const peers = rule.to ?? [];
  const ports = rule.ports ?? [];
  const peerOk = peers.length === 0 || peers.some((peer) => peerCovers(peer, from, destination));
  const portOk = ports.length === 0 || ports.some((port) => portCovers(port, destination));
  return peerOk && portOk;
}

/** Whether the policies selecting `pod` let it reach `destination`; pods no egress policy selects reach everything. */
export function podReaches(policies: readonly Policy[], pod: PodOwner, destination: Destination): boolean {
  const governing = policiesSelecting(policies, pod).filter((policy) =>
    policyTypesOf(policy.spec).includes('Egress'),
  );
  if (governing.length === 0) return true;
  return governing.some((policy) =>
    egressRules(policy).some((rule) => egressCovers(rule, pod.namespace, destination)),
  );
}

/** Whether a peer of an ingress rule of a pod in `namespace` covers a source pod. Address blocks may hold pod addresses. */
function peerAdmits(peer: PolicyPeer, namespace: string, source: PodOwner): boolean {
  if (peer.ipBlock !== undefined) return true;
  const namespaceMatches =
    peer.namespaceSelector === undefined
      ? source.namespace === namespace
      : namespaceSelectorPicks(peer.namespaceSelector, source.namespace);
  return namespaceMatches && selectorSelects(peer.podSelector ?? {}, source.podLabels);
}

/**
 * Whether the policies selecting the destination's pods let `source` in on the destination's port; pods no
 * ingress policy selects take everything. The other half of {@link podReaches}: under a default deny both
 * the sender's egress and the receiver's ingress must allow the connection.
 */
export function podAdmits(
  policies: readonly Policy[],
  source: PodOwner,
  destination: Extract<Destination, { kind: 'pods' }>,
): boolean {
  const governing = policiesSelecting(policies, destination.owner).filter((policy) =>
    policyTypesOf(policy.spec).includes('Ingress'),
  );
  if (governing.length === 0) return true;
  return governing.some((policy) =>
    ingressRules(policy).some(
      (rule) =>
        ((rule.from ?? []).length === 0 ||
          (rule.from ?? []).some((peer) => peerAdmits(peer, destination.namespace, source))) &&
        ((rule.ports ?? []).length === 0 || (rule.ports ?? []).some((port) => portCovers(port, destination))),
    ),
  );
}
