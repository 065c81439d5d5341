// Production's Ingress (TLS from cert-manager) and the NetworkPolicies its operators' pods and the payment
// provider need on top of the base's.
import { RABBITMQ_MANAGEMENT_PORT } from '../backing-services';
import { BACKING_SERVICE_HOSTS } from '../development-values';
import {
  BACKING_SERVICE_PORTS,
  KEDA_NAMESPACE,
  namespaceNamed,
  networkPolicyOf,
} from '../kubernetes/network-policies';
import type { Manifest } from '../output/yaml-file';
import { allNodesSelector, labelsOf, selectorOf } from '../recommended-labels';
import type { ThirdPartySystem } from '../third-party-systems';

/** Placeholders a deployment replaces in an overlay of its own (README: Deploy to Kubernetes). */
export const INGRESS_DEFAULTS = {
  host: 'trellis.example.com',
  clusterIssuer: 'letsencrypt',
  ingressClassName: 'nginx',
  tlsSecret: 'gateway-tls',
} as const;

/** The namespaces the operators run in (their install manifests' defaults). */
export const OPERATOR_NAMESPACES = { rabbitmq: 'rabbitmq-system', cloudnativePg: 'cnpg-system' } as const;

/** CloudNativePG's instance manager status port, which the operator polls. */
const CNPG_STATUS_PORT = 8000;

/** cert-manager's HTTP-01 solver port. */
const ACME_SOLVER_PORT = 8089;

const tcp = (port: number) => ({ protocol: 'TCP', port });
const nodes = () => ({ podSelector: allNodesSelector() });

/** The Ingress of a front-end family's Service, with a certificate from cert-manager's ClusterIssuer. */
export function gatewayIngress(frontEnd: string, version: string): Manifest {
  const { host, clusterIssuer, ingressClassName, tlsSecret } = INGRESS_DEFAULTS;
  return {
    value: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: frontEnd,
        labels: labelsOf(frontEnd, 'front-end', version),
        annotations: { 'cert-manager.io/cluster-issuer': clusterIssuer },
      },
      spec: {
        ingressClassName,
        tls: [{ hosts: [host], secretName: tlsSecret }],
        rules: [
          {
            host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: frontEnd, port: { name: 'http' } } },
                },
              ],
            },
          },
        ],
      },
    },
    comment:
      `The only way in from outside. cert-manager issues the certificate (ClusterIssuer "${clusterIssuer}") into the\n` +
      `Secret ${tlsSecret}; set the host, issuer and class in an overlay of your own.`,
  };
}

/** The policies of production's operator-run pods, the ACME solver and the real payment provider. */
export function productionPolicies(
  version: string,
  provider: { readonly system: ThirdPartySystem; readonly port: number } | undefined,
): Manifest[] {
  const rabbitmqPods = { matchLabels: { 'app.kubernetes.io/name': BACKING_SERVICE_HOSTS.rabbitmq } };
  const postgresPods = { matchLabels: { 'cnpg.io/cluster': BACKING_SERVICE_HOSTS.postgres } };
  const manifests: Manifest[] = [
    {
      value: networkPolicyOf('rabbitmq-cluster', version, {
        podSelector: rabbitmqPods,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [nodes()], ports: [tcp(BACKING_SERVICE_PORTS.rabbitmq)] },
          { from: [{ podSelector: rabbitmqPods }] },
          {
            from: [namespaceNamed(OPERATOR_NAMESPACES.rabbitmq), namespaceNamed(KEDA_NAMESPACE)],
            ports: [tcp(RABBITMQ_MANAGEMENT_PORT)],
          },
        ],
        egress: [{}],
      }),
      comment:
        'The brokers: AMQP from the nodes, clustering among themselves, the management API for the topology\n' +
        "operator and KEDA. Egress is open: peer discovery asks the Kubernetes API, whose address is the cluster's.",
    },
    {
      value: networkPolicyOf('postgres-cluster', version, {
        podSelector: postgresPods,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [nodes()], ports: [tcp(BACKING_SERVICE_PORTS.postgres)] },
          { from: [{ podSelector: postgresPods }] },
          {
            from: [namespaceNamed(OPERATOR_NAMESPACES.cloudnativePg)],
            ports: [tcp(CNPG_STATUS_PORT), tcp(BACKING_SERVICE_PORTS.postgres)],
          },
        ],
        egress: [{}],
      }),
      comment:
        'The Postgres instances: SQL from the nodes, replication among themselves, the operator. Egress is open:\n' +
        'the instance manager talks to the Kubernetes API (and to object storage, once backups are configured).',
    },
    {
      value: networkPolicyOf('acme-http01-solver', version, {
        podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
        policyTypes: ['Ingress'],
        ingress: [{ ports: [tcp(ACME_SOLVER_PORT)] }],
      }),
      comment:
        "cert-manager's HTTP-01 solver pods, which the certificate authority reaches through the ingress.",
    },
  ];
  if (provider !== undefined) {
    manifests.push({
      value: networkPolicyOf(`${provider.system.client}-egress-${provider.system.simulator}`, version, {
        podSelector: { matchLabels: selectorOf(provider.system.client) },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
            ports: [tcp(provider.port)],
          },
        ],
      }),
      comment: `Only ${provider.system.client} reaches the payment provider (its ${provider.system.urlVariable}, outside the cluster).`,
    });
  }
  return manifests;
}
