// The base's NetworkPolicies: nothing moves in the namespace unless a policy allows it. Only the front end takes
// traffic from outside the namespace; nodes reach DNS and the broker, Redis and Postgres, by port (production's
// Redis may live outside the cluster). The overlays add what their backing services and the payment provider
// need.
import { allNodesSelector, labelsOf, selectorOf } from '../recommended-labels';

/** The namespace KEDA's operator runs in (it reads queue depths from the broker's management API). */
export const KEDA_NAMESPACE = 'keda';

/** The ports of the backing services. */
export const BACKING_SERVICE_PORTS = { rabbitmq: 5672, redis: 6379, postgres: 5432 } as const;

/** A NetworkPolicy object. */
export function networkPolicyOf(
  name: string,
  version: string,
  spec: Record<string, unknown>,
): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels: labelsOf(name, 'network-policy', version) },
    spec,
  };
}

/** Pods in another namespace, by its name. */
export function namespaceNamed(name: string): Record<string, unknown> {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } };
}

const tcp = (port: number) => ({ protocol: 'TCP', port });

/** The base's policies; `frontEnds` are the families with a client port (name and port). */
export function basePolicies(
  version: string,
  frontEnds: readonly { readonly name: string; readonly port: number }[],
): Record<string, unknown>[] {
  return [
    networkPolicyOf('default-deny', version, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    ...frontEnds.map((frontEnd) =>
      networkPolicyOf(`${frontEnd.name}-ingress-http`, version, {
        podSelector: { matchLabels: selectorOf(frontEnd.name) },
        policyTypes: ['Ingress'],
        // From anywhere: the ingress controller, a port-forward, a load balancer.
        ingress: [{ ports: [tcp(frontEnd.port)] }],
      }),
    ),
    networkPolicyOf('nodes-egress-dns', version, {
      podSelector: allNodesSelector(),
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ ...namespaceNamed('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    }),
    networkPolicyOf('nodes-egress-backing-services', version, {
      podSelector: allNodesSelector(),
      policyTypes: ['Egress'],
      egress: [{ ports: Object.values(BACKING_SERVICE_PORTS).map(tcp) }],
    }),
  ];
}

/** The comment on the default-deny policy. */
export const DEFAULT_DENY_NOTE =
  'Nothing moves unless a policy below allows it. Kubelet probes need no rule: traffic from the machine a pod\n' +
  'runs on is always allowed. Only the gateway takes traffic from outside the namespace, so a Prometheus in\n' +
  'another namespace scrapes the health port (9000) only once an overlay of your own admits it (README).';
