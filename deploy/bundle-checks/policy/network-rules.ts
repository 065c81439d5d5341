// NetworkPolicy rules: deny by default, every pod let through by some policy, only the gateway open to
// other namespaces, only payments reaching the payment provider, and nodes reaching their backing services
// (and nothing else).
import { isEmptySelector } from '../label-selector';
import {
  admitsFromOutside,
  egressRules,
  ingressRules,
  policiesOf,
  policiesSelecting,
  policyTypesOf,
  podAdmits,
  podReaches,
} from './network-model';
import type { Destination } from './network-model';
import type { NodeWorkload, PolicyContext } from './policy-context';
import { defineRule } from './policy-rule';
import type { PolicyRule } from './policy-rule';
import { DEFAULT_PORTS, describeDestination, destinationOfUrl } from './url-destination';

/** The family that alone may reach the payment provider, and the variable that says where it is. */
const PAYMENTS_FAMILY = 'payments';
const PROVIDER_URL_VARIABLE = 'PAYMENT_PROVIDER_URL';
/** The connection URLs a node may hold, whose destinations its egress must allow (and limit itself to). */
const BACKING_URL_VARIABLES = [
  'AMQP_URL',
  'DATA_AMQP_URL',
  'REDIS_URL',
  'DATABASE_URL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
];
const DNS_PORT = 53;

const defaultDeny = defineRule(
  'network.default-deny',
  'each namespace with pods has a NetworkPolicy that selects every pod and denies all ingress and egress',
  (context, report) => {
    const policies = policiesOf(context);
    const namespaces = new Set(context.allPods.map((pod) => pod.namespace));
    for (const namespace of namespaces) {
      const denies = policies.some(
        (policy) =>
          policy.namespace === namespace &&
          isEmptySelector(policy.spec.podSelector) &&
          policyTypesOf(policy.spec).includes('Ingress') &&
          policyTypesOf(policy.spec).includes('Egress') &&
          (policy.spec.ingress ?? []).length === 0 &&
          (policy.spec.egress ?? []).length === 0,
      );
      if (!denies)
        report(
          `Namespace/${namespace}`,
          'no NetworkPolicy denies all ingress and egress by default (podSelector: {}, policyTypes: [Ingress, Egress], no rules)',
        );
    }
  },
);

const podCoverage = defineRule(
  'network.pod-coverage',
  'every pod (also those operators create) is selected by a NetworkPolicy that lets some traffic through',
  (context, report) => {
    const policies = policiesOf(context);
    for (const pod of context.allPods) {
      const allowing = policiesSelecting(policies, pod).filter(
        (policy) => ingressRules(policy).length > 0 || egressRules(policy).length > 0,
      );
      if (allowing.length === 0)
        report(
          pod.ref,
          'no NetworkPolicy lets any traffic reach or leave its pods; under the default deny they are cut off',
        );
    }
  },
);

const outsideIngressGatewayOnly = defineRule(
  'network.outside-ingress-gateway-only',
  'among the nodes only the front end (the gateway) takes traffic from outside the namespace',
  (context, report) => {
    const policies = policiesOf(context);
    for (const workload of context.nodeWorkloads) {
      if (workload.family.type === 'front-end') continue;
      for (const policy of policiesSelecting(policies, workload)) {
        if (ingressRules(policy).some((rule) => admitsFromOutside(rule, workload.namespace))) {
          report(
            workload.ref,
            `NetworkPolicy/${policy.namespace}/${policy.object.metadata.name} lets traffic from outside the namespace reach a ${workload.family.type} node`,
          );
        }
      }
    }
    const exposed = context.ofKind('Ingress').length > 0 || context.ofKind('HTTPRoute').length > 0;
    for (const workload of context.nodeWorkloads.filter(
      (candidate) => candidate.family.type === 'front-end',
    )) {
      const open = policiesSelecting(policies, workload).some((policy) =>
        ingressRules(policy).some((rule) => admitsFromOutside(rule, workload.namespace)),
      );
      if (exposed && !open)
        report(
          workload.ref,
          'the bundle routes clients to the gateway (Ingress/HTTPRoute), but no NetworkPolicy lets traffic from outside the namespace reach it',
        );
    }
  },
);

function providerDestinations(
  context: PolicyContext,
  payments: readonly NodeWorkload[],
  report: (object: string, message: string) => void,
): Destination[] {
  const destinations: Destination[] = [];
  for (const workload of payments) {
    for (const container of workload.spec.containers) {
      const setting = context.environmentOf(workload.namespace, container).get(PROVIDER_URL_VARIABLE);
      if (setting?.value === undefined) {
        report(
          workload.ref,
          `container ${container.name}: ${PROVIDER_URL_VARIABLE} is ${setting === undefined ? 'unset' : `from ${setting.source}, outside the bundle`}, so where the provider is cannot be checked`,
        );
        continue;
      }
      const destination = destinationOfUrl(context, workload.namespace, setting.value);
      if (destination === undefined)
        report(
          workload.ref,
          `container ${container.name}: ${PROVIDER_URL_VARIABLE} ${setting.value} is not a URL`,
        );
      else destinations.push(destination);
    }
  }
  return destinations;
}

const providerEgressPaymentsOnly = defineRule(
  'network.provider-egress-payments-only',
  "the payments nodes reach the payment provider, and no other pod of the bundle's workloads does",
  (context, report) => {
    const policies = policiesOf(context);
    const payments = context.nodeWorkloads.filter((workload) => workload.family.name === PAYMENTS_FAMILY);
    for (const destination of providerDestinations(context, payments, report)) {
      for (const workload of payments) {
        if (!podReaches(policies, workload, destination)) {
          report(
            workload.ref,
            `its NetworkPolicies do not let it reach the payment provider (${describeDestination(destination)})`,
          );
        }
        if (destination.kind === 'pods' && !podAdmits(policies, workload, destination)) {
          report(
            workload.ref,
            `the NetworkPolicies of ${destination.owner.ref} do not let it in on port ${destination.port}`,
          );
        }
      }
      // The bundle's own pods; those operators create (brokers, Postgres) keep open egress for the
      // Kubernetes API, whose address the bundle cannot know.
      for (const pod of context.workloads) {
        if (payments.some((workload) => workload.object === pod.object) || pod.family?.type === 'external')
          continue;
        if (podReaches(policies, pod, destination)) {
          report(
            pod.ref,
            `its pods may reach the payment provider (${describeDestination(destination)}); only ${PAYMENTS_FAMILY} may`,
          );
        }
      }
    }
  },
);

/** The destinations of a node's connection URLs (placed where the bundle can tell, else by port only). */
function backingDestinations(
  context: PolicyContext,
  workload: NodeWorkload,
): { variable: string; destination: Destination }[] {
  const found: { variable: string; destination: Destination }[] = [];
  for (const container of workload.spec.containers) {
    const env = context.environmentOf(workload.namespace, container);
    for (const variable of BACKING_URL_VARIABLES) {
      const setting = env.get(variable);
      if (setting === undefined) continue;
      const url = setting.value ?? setting.partial;
      let destination = url === undefined ? undefined : destinationOfUrl(context, workload.namespace, url);
      if (destination === undefined) {
        // A URL from a Secret outside the bundle: its scheme's usual port is the best guess.
        const scheme = variable.includes('AMQP')
          ? 'amqp:'
          : variable === 'REDIS_URL'
            ? 'redis:'
            : variable === 'DATABASE_URL'
              ? 'postgresql:'
              : 'http:';
        destination = { kind: 'unplaced', port: DEFAULT_PORTS[scheme] ?? 0, protocol: 'TCP' };
      }
      found.push({ variable, destination });
    }
  }
  return found;
}

const nodeEgressReachesBacking = defineRule(
  'network.node-egress-reaches-backing-services',
  "every platform node's egress lets it resolve names (DNS) and reach the broker, Redis and Postgres its URLs name, and their ingress lets it in",
  (context, report) => {
    const policies = policiesOf(context);
    // Simulators of third-party systems call nothing.
    for (const workload of context.nodeWorkloads.filter(
      (candidate) => candidate.family.type !== 'external',
    )) {
      for (const protocol of ['UDP', 'TCP']) {
        if (!podReaches(policies, workload, { kind: 'unplaced', port: DNS_PORT, protocol })) {
          report(workload.ref, `its NetworkPolicies do not allow DNS (port ${DNS_PORT}/${protocol})`);
        }
      }
      for (const { variable, destination } of backingDestinations(context, workload)) {
        if (!podReaches(policies, workload, destination)) {
          report(
            workload.ref,
            `its NetworkPolicies do not let it reach ${variable} (${describeDestination(destination)})`,
          );
        }
        if (destination.kind === 'pods' && !podAdmits(policies, workload, destination)) {
          report(
            workload.ref,
            `the NetworkPolicies of ${destination.owner.ref} do not let it in on ${variable}'s port ${destination.port}`,
          );
        }
      }
    }
  },
);

/** The broker's, Redis's and Postgres's usual ports: every node may reach them (the issue's "broker, Redis, Postgres and DNS only"). */
const BACKING_PORTS = ['amqp:', 'amqps:', 'redis:', 'postgresql:'].map((scheme) => ({
  port: DEFAULT_PORTS[scheme] ?? 0,
  protocol: 'TCP',
}));

const nodeEgressLimited = defineRule(
  'network.node-egress-limited',
  "node egress is limited to DNS, the broker, Redis and Postgres (their usual ports or those of the node's URLs), telemetry and, for payments, the provider",
  (context, report) => {
    const policies = policiesOf(context);
    for (const workload of context.nodeWorkloads) {
      const allowed = [
        { port: DNS_PORT, protocol: 'UDP' },
        { port: DNS_PORT, protocol: 'TCP' },
        ...BACKING_PORTS,
        ...backingDestinations(context, workload).map(({ destination }) => destination),
        ...(workload.family.name === PAYMENTS_FAMILY
          ? providerDestinations(context, [workload], () => undefined)
          : []),
      ];
      for (const policy of policiesSelecting(policies, workload)) {
        for (const [index, rule] of egressRules(policy).entries()) {
          const where = `NetworkPolicy/${policy.namespace}/${policy.object.metadata.name} egress[${index}]`;
          const ports = rule.ports ?? [];
          if (ports.length === 0) {
            report(workload.ref, `${where} allows every port`);
            continue;
          }
          for (const port of ports) {
            const protocol = port.protocol ?? 'TCP';
            if (typeof port.port === 'string' && !/^\d+$/.test(port.port)) continue; // a named port of the destination pods
            if (port.port === undefined) {
              report(workload.ref, `${where} allows every ${protocol} port`);
              continue;
            }
            const number = Number(port.port);
            const permitted =
              (port.endPort === undefined || port.endPort === number) &&
              allowed.some((destination) => destination.protocol === protocol && destination.port === number);
            if (!permitted) {
              const range = port.endPort === undefined ? `${number}` : `${number}-${port.endPort}`;
              report(
                workload.ref,
                `${where} allows port ${range}/${protocol}, which is neither DNS, the broker, Redis, Postgres nor any of its connection URLs`,
              );
            }
          }
        }
      }
    }
  },
);

/** The network rules, in the order they report. */
export const NETWORK_RULES: readonly PolicyRule[] = [
  defaultDeny,
  podCoverage,
  outsideIngressGatewayOnly,
  providerEgressPaymentsOnly,
  nodeEgressReachesBacking,
  nodeEgressLimited,
];
