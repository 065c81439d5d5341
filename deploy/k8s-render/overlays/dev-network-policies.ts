// The dev overlay's NetworkPolicies: the nodes reach the backing services' pods in the namespace only, the
// backing services take connections from the nodes (and KEDA), and only payments reaches the simulator.
import { RABBITMQ_MANAGEMENT_PORT } from '../backing-services';
import { BACKING_SERVICE_HOSTS } from '../development-values';
import {
  BACKING_SERVICE_PORTS,
  KEDA_NAMESPACE,
  namespaceNamed,
  networkPolicyOf,
} from '../kubernetes/network-policies';
import { SIMULATOR_PORT } from '../node-runtime';
import type { Manifest } from '../output/yaml-file';
import { allNodesSelector, selectorOf } from '../recommended-labels';
import type { ThirdPartySystem } from '../third-party-systems';

const tcp = (port: number) => ({ protocol: 'TCP', port });
const pods = (name: string) => ({ podSelector: { matchLabels: selectorOf(name) } });
const nodes = () => ({ podSelector: allNodesSelector() });

/** The patch that narrows the base's "backing services by port" egress to the backing services' own pods. */
export function nodesEgressPatch(): Manifest {
  return {
    value: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'nodes-egress-backing-services' },
      spec: {
        egress: (Object.keys(BACKING_SERVICE_PORTS) as (keyof typeof BACKING_SERVICE_PORTS)[]).map(
          (service) => ({
            to: [pods(BACKING_SERVICE_HOSTS[service])],
            ports: [tcp(BACKING_SERVICE_PORTS[service])],
          }),
        ),
      },
    },
    comment: 'In dev the backing services run in the namespace: the nodes reach their pods and nothing else.',
  };
}

/** The dev overlay's own policies; `simulators` are the third-party systems it runs a simulator of. */
export function devPolicies(version: string, simulators: readonly ThirdPartySystem[]): Manifest[] {
  const { rabbitmq, redis, postgres } = BACKING_SERVICE_HOSTS;
  const policies: object[] = [
    networkPolicyOf(`${rabbitmq}-ingress`, version, {
      podSelector: { matchLabels: selectorOf(rabbitmq) },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [nodes()], ports: [tcp(BACKING_SERVICE_PORTS.rabbitmq)] },
        { from: [namespaceNamed(KEDA_NAMESPACE)], ports: [tcp(RABBITMQ_MANAGEMENT_PORT)] },
      ],
    }),
    networkPolicyOf(`${redis}-ingress`, version, {
      podSelector: { matchLabels: selectorOf(redis) },
      policyTypes: ['Ingress'],
      ingress: [{ from: [nodes()], ports: [tcp(BACKING_SERVICE_PORTS.redis)] }],
    }),
    networkPolicyOf(`${postgres}-ingress`, version, {
      podSelector: { matchLabels: selectorOf(postgres) },
      policyTypes: ['Ingress'],
      ingress: [{ from: [nodes()], ports: [tcp(BACKING_SERVICE_PORTS.postgres)] }],
    }),
    ...simulators.flatMap((system) => [
      networkPolicyOf(`${system.simulator}-ingress`, version, {
        podSelector: { matchLabels: selectorOf(system.simulator) },
        policyTypes: ['Ingress'],
        ingress: [{ from: [pods(system.client)], ports: [tcp(SIMULATOR_PORT)] }],
      }),
      networkPolicyOf(`${system.client}-egress-${system.simulator}`, version, {
        podSelector: { matchLabels: selectorOf(system.client) },
        policyTypes: ['Egress'],
        egress: [{ to: [pods(system.simulator)], ports: [tcp(SIMULATOR_PORT)] }],
      }),
    ]),
  ];
  return policies.map((value) => ({ value }));
}
