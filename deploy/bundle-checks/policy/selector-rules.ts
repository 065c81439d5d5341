// Rules that every selector of the bundle picks the pods it is meant for: workloads their own template,
// Services, PodDisruptionBudgets and NetworkPolicies some pods (with ports that exist), autoscalers a workload.
import type { KubeObject } from '../kube-object';
import { refOf } from '../kube-object';
import type { LabelSelector } from '../label-selector';
import { isEmptySelector, mapSelects, selectorSelects } from '../label-selector';
import { healthListenerOf } from './health-listener';
import { policiesOf } from './network-model';
import { namespaceOf } from './policy-context';
import type { PodOwner, PolicyContext } from './policy-context';
import type { IntOrString } from './pod-views';
import { defineRule } from './policy-rule';
import type { PolicyRule } from './policy-rule';

function describeSelector(selector: LabelSelector | Readonly<Record<string, string>>): string {
  return JSON.stringify(selector);
}

function podsSelected(context: PolicyContext, namespace: string, selector: LabelSelector): PodOwner[] {
  return context.allPods.filter(
    (pod) => pod.namespace === namespace && selectorSelects(selector, pod.podLabels),
  );
}

const workloadSelectors = defineRule(
  'selectors.workload',
  "each workload's selector selects its own pod template",
  (context, report) => {
    for (const workload of context.workloads) {
      if (
        workload.object.kind === 'Pod' ||
        workload.object.kind === 'Job' ||
        workload.object.kind === 'CronJob'
      )
        continue;
      const selector = (workload.object['spec'] as { selector?: LabelSelector } | undefined)?.selector;
      if (
        selector === undefined ||
        isEmptySelector(selector) ||
        !selectorSelects(selector, workload.podLabels)
      ) {
        report(
          workload.ref,
          `its selector ${describeSelector(selector ?? {})} does not select its pod template's labels ${describeSelector(workload.podLabels)}`,
        );
      }
    }
  },
);

interface ServiceSpec {
  readonly selector?: Readonly<Record<string, string>>;
  readonly ports?: readonly {
    readonly name?: string;
    readonly port: number;
    readonly targetPort?: IntOrString;
  }[];
}

function declaresPort(pod: PodOwner, port: IntOrString): boolean {
  // Operator pods' ports are not in the bundle; only check pods whose spec it holds.
  if (pod.spec === undefined) return true;
  const declared = pod.spec.containers.flatMap((container) => container.ports ?? []);
  return typeof port === 'number' || /^\d+$/.test(port)
    ? declared.some((candidate) => candidate.containerPort === Number(port))
    : declared.some((candidate) => candidate.name === port);
}

const serviceSelectors = defineRule(
  'selectors.service',
  "each Service's selector selects pods, and each of its target ports is a port those pods declare",
  (context, report) => {
    for (const service of context.ofKind('Service')) {
      const spec = (service['spec'] ?? {}) as ServiceSpec;
      if (spec.selector === undefined) continue;
      const { selector } = spec;
      const pods = context.allPods.filter(
        (pod) => pod.namespace === namespaceOf(service) && mapSelects(selector, pod.podLabels),
      );
      if (pods.length === 0) {
        report(refOf(service), `its selector ${describeSelector(selector)} selects no pods`);
        continue;
      }
      for (const port of spec.ports ?? []) {
        const target = port.targetPort ?? port.port;
        for (const pod of pods.filter((candidate) => !declaresPort(candidate, target))) {
          report(
            refOf(service),
            `port ${port.name ?? port.port} targets ${String(target)}, which the pods of ${pod.ref} do not declare`,
          );
        }
      }
    }
  },
);

const budgetSelectors = defineRule(
  'selectors.pdb',
  'each PodDisruptionBudget selects pods',
  (context, report) => {
    for (const budget of context.ofKind('PodDisruptionBudget')) {
      const selector = (budget['spec'] as { selector?: LabelSelector } | undefined)?.selector;
      if (selector === undefined || podsSelected(context, namespaceOf(budget), selector).length === 0) {
        report(refOf(budget), `its selector ${describeSelector(selector ?? {})} selects no pods`);
      }
    }
  },
);

const policySelectors = defineRule(
  'selectors.network-policy',
  "each NetworkPolicy's pod selector, and each peer's pod selector within the namespace, selects pods (of the bundle or of its operators)",
  (context, report) => {
    for (const policy of policiesOf(context)) {
      const ref = refOf(policy.object);
      if (
        !isEmptySelector(policy.spec.podSelector) &&
        podsSelected(context, policy.namespace, policy.spec.podSelector).length === 0
      ) {
        report(ref, `its podSelector ${describeSelector(policy.spec.podSelector)} selects no pods`);
      }
      const rules = [
        ...(policy.spec.ingress ?? []).map((rule) => ({ peers: rule.from ?? [], field: 'ingress.from' })),
        ...(policy.spec.egress ?? []).map((rule) => ({ peers: rule.to ?? [], field: 'egress.to' })),
      ];
      for (const { peers, field } of rules) {
        for (const peer of peers) {
          if (
            peer.namespaceSelector !== undefined ||
            peer.podSelector === undefined ||
            isEmptySelector(peer.podSelector)
          )
            continue;
          if (podsSelected(context, policy.namespace, peer.podSelector).length === 0) {
            report(
              ref,
              `a ${field} peer's podSelector ${describeSelector(peer.podSelector)} selects no pods in ${policy.namespace}`,
            );
          }
        }
      }
    }
  },
);

function targetOf(object: KubeObject): { kind: string; name: string } | undefined {
  const target = (object['spec'] as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)
    ?.scaleTargetRef;
  return target?.name === undefined ? undefined : { kind: target.kind ?? 'Deployment', name: target.name };
}

/** The container port a Service port reaches on a pod: by number, or by the container port's name. */
function targetedContainerPort(pod: PodOwner, target: IntOrString): number | undefined {
  if (typeof target === 'number' || /^\d+$/.test(target)) return Number(target);
  return (pod.spec?.containers ?? [])
    .flatMap((container) => container.ports ?? [])
    .find((declared) => declared.name === target)?.containerPort;
}

const familyServices = defineRule(
  'selectors.family-service',
  'each node family has a Service selecting its pods that reaches its health port (and, for the front end, its client port)',
  (context, report) => {
    for (const workload of context.nodeWorkloads) {
      const listener = healthListenerOf(workload.family.name);
      const container = workload.spec.containers[0];
      const env = container === undefined ? undefined : context.environmentOf(workload.namespace, container);
      const wanted = [{ what: `health port (${listener.port})`, port: env?.get(listener.port)?.value }];
      if (workload.family.type === 'front-end')
        wanted.push({ what: 'client port (GATEWAY_PORT)', port: env?.get('GATEWAY_PORT')?.value });
      const reached = context
        .ofKind('Service')
        .filter((service) => {
          const selector = (service['spec'] as ServiceSpec | undefined)?.selector;
          return (
            namespaceOf(service) === workload.namespace &&
            selector !== undefined &&
            mapSelects(selector, workload.podLabels)
          );
        })
        .flatMap((service) =>
          ((service['spec'] as ServiceSpec).ports ?? []).map((port) =>
            targetedContainerPort(workload, port.targetPort ?? port.port),
          ),
        );
      for (const { what, port } of wanted) {
        if (port === undefined || !reached.includes(Number(port))) {
          report(workload.ref, `no Service selecting its pods reaches its ${what} ${port ?? '(unset)'}`);
        }
      }
    }
  },
);

const autoscalerTargets = defineRule(
  'selectors.autoscaler-target',
  "each HPA's and ScaledObject's scale target is a workload of the bundle",
  (context, report) => {
    for (const autoscaler of [
      ...context.ofKind('HorizontalPodAutoscaler'),
      ...context.ofKind('ScaledObject'),
    ]) {
      const target = targetOf(autoscaler);
      if (
        target === undefined ||
        context.find(target.kind, namespaceOf(autoscaler), target.name) === undefined
      ) {
        report(
          refOf(autoscaler),
          `its scaleTargetRef ${target === undefined ? '(none)' : `${target.kind}/${target.name}`} is not in the bundle`,
        );
      }
    }
  },
);

/** The selector rules, in the order they report. */
export const SELECTOR_RULES: readonly PolicyRule[] = [
  workloadSelectors,
  serviceSelectors,
  budgetSelectors,
  policySelectors,
  familyServices,
  autoscalerTargets,
];
