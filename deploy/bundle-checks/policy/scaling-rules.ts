// Rules over how node families scale and roll: one PDB and one autoscaler per family, autoscaler minimums
// above the PDB's floor, replica counts from the blueprint, and rollouts that never lose capacity.
import type { KubeObject } from '../kube-object';
import { refOf } from '../kube-object';
import type { LabelSelector } from '../label-selector';
import { selectorSelects } from '../label-selector';
import { namespaceOf } from './policy-context';
import type { NodeWorkload, PolicyContext } from './policy-context';
import type { IntOrString } from './pod-views';
import { defineRule } from './policy-rule';
import type { PolicyRule } from './policy-rule';

/** An autoscaler of a workload: an HPA or a KEDA ScaledObject, with its bounds (defaults applied). */
export interface Autoscaler {
  readonly object: KubeObject;
  readonly ref: string;
  readonly minReplicas: number;
  readonly maxReplicas: number | undefined;
}

interface ScaleTargetRef {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name: string;
}

interface AutoscalerSpec {
  readonly scaleTargetRef?: ScaleTargetRef;
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  readonly minReplicaCount?: number;
  readonly maxReplicaCount?: number;
  readonly metrics?: readonly { readonly type: string; readonly resource?: { readonly name: string } }[];
  readonly triggers?: readonly { readonly type: string }[];
}

interface PdbSpec {
  readonly selector?: LabelSelector;
  readonly minAvailable?: IntOrString;
  readonly maxUnavailable?: IntOrString;
}

/** The families that scale: every node type but the simulators of third-party systems. */
function scalesOnItsOwn(workload: NodeWorkload): boolean {
  return workload.family.type !== 'external';
}

function specOf<T>(object: KubeObject): T {
  return (object['spec'] ?? {}) as T;
}

/** The HPAs and ScaledObjects whose target is `workload` (KEDA's target kind defaults to Deployment). */
export function autoscalersOf(context: PolicyContext, workload: NodeWorkload): Autoscaler[] {
  const candidates = [...context.ofKind('HorizontalPodAutoscaler'), ...context.ofKind('ScaledObject')];
  return candidates
    .filter((object) => {
      const target = specOf<AutoscalerSpec>(object).scaleTargetRef;
      return (
        namespaceOf(object) === workload.namespace &&
        target?.name === workload.object.metadata.name &&
        (target.kind ?? 'Deployment') === workload.object.kind
      );
    })
    .map((object) => {
      const spec = specOf<AutoscalerSpec>(object);
      const isHpa = object.kind === 'HorizontalPodAutoscaler';
      return {
        object,
        ref: refOf(object),
        // Defaults of the APIs: an HPA's minReplicas is 1, a ScaledObject's minReplicaCount 0.
        minReplicas: (isHpa ? spec.minReplicas : spec.minReplicaCount) ?? (isHpa ? 1 : 0),
        maxReplicas: isHpa ? spec.maxReplicas : (spec.maxReplicaCount ?? 100),
      };
    });
}

/** The PodDisruptionBudgets that select the workload's pods. */
function budgetsOf(context: PolicyContext, workload: NodeWorkload): KubeObject[] {
  return context.ofKind('PodDisruptionBudget').filter((object) => {
    const selector = specOf<PdbSpec>(object).selector;
    return (
      namespaceOf(object) === workload.namespace &&
      selector !== undefined &&
      selectorSelects(selector, workload.podLabels)
    );
  });
}

function scaledPercent(value: string, replicas: number): number | undefined {
  const match = /^(\d+)%$/.exec(value);
  // The disruption controller rounds both minAvailable and maxUnavailable percentages up.
  return match?.[1] === undefined ? undefined : Math.ceil((Number(match[1]) / 100) * replicas);
}

/** The number of pods a PDB keeps when `replicas` run, or why it cannot be told. */
export function pdbFloor(spec: PdbSpec, replicas: number): number | string {
  const amount = (value: IntOrString): number | undefined =>
    typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : scaledPercent(value, replicas);
  if (spec.minAvailable !== undefined)
    return (
      amount(spec.minAvailable) ?? `minAvailable ${String(spec.minAvailable)} is not a number or percentage`
    );
  if (spec.maxUnavailable !== undefined) {
    const unavailable = amount(spec.maxUnavailable);
    return unavailable === undefined
      ? `maxUnavailable ${String(spec.maxUnavailable)} is not a number or percentage`
      : Math.max(0, replicas - unavailable);
  }
  return 'it sets neither minAvailable nor maxUnavailable';
}

const pdbPerFamily = defineRule(
  'scaling.pdb-per-family',
  'each node family (but simulators) has exactly one PodDisruptionBudget selecting its pods',
  (context, report) => {
    for (const workload of context.nodeWorkloads.filter(scalesOnItsOwn)) {
      const budgets = budgetsOf(context, workload);
      if (budgets.length !== 1) {
        const names = budgets.map((budget) => budget.metadata.name).join(', ');
        report(
          workload.ref,
          `${budgets.length} PodDisruptionBudgets select its pods${names === '' ? '' : ` (${names})`}; exactly one must (evictions fail with more)`,
        );
      }
    }
  },
);

const autoscalerPerFamily = defineRule(
  'scaling.autoscaler-per-family',
  'each node family (but simulators) has exactly one autoscaler: the front end an HPA on CPU, logic and service families a KEDA ScaledObject on their queues',
  (context, report) => {
    for (const workload of context.nodeWorkloads.filter(scalesOnItsOwn)) {
      const autoscalers = autoscalersOf(context, workload);
      if (autoscalers.length !== 1) {
        report(workload.ref, `${autoscalers.length} autoscalers target it; exactly one must`);
        continue;
      }
      const [autoscaler] = autoscalers;
      if (autoscaler === undefined) continue;
      const spec = specOf<AutoscalerSpec>(autoscaler.object);
      if (workload.family.type === 'front-end') {
        const onCpu =
          autoscaler.object.kind === 'HorizontalPodAutoscaler' &&
          (spec.metrics ?? []).some(
            (metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu',
          );
        if (!onCpu)
          report(autoscaler.ref, `the front-end family ${workload.family.name} must scale by an HPA on CPU`);
      } else {
        const onQueues =
          autoscaler.object.kind === 'ScaledObject' &&
          (spec.triggers ?? []).some((trigger) => trigger.type === 'rabbitmq');
        if (!onQueues)
          report(
            autoscaler.ref,
            `the ${workload.family.type} family ${workload.family.name} must scale by a KEDA ScaledObject with a rabbitmq trigger`,
          );
      }
    }
  },
);

const minAboveFloor = defineRule(
  'scaling.min-above-pdb-floor',
  "each family's autoscaler minimum exceeds its PodDisruptionBudget's floor, so a node can always be drained",
  (context, report) => {
    for (const workload of context.nodeWorkloads.filter(scalesOnItsOwn)) {
      const budgets = budgetsOf(context, workload);
      for (const autoscaler of autoscalersOf(context, workload)) {
        for (const budget of budgets) {
          const floor = pdbFloor(specOf<PdbSpec>(budget), autoscaler.minReplicas);
          const budgetRef = refOf(budget);
          if (typeof floor === 'string') {
            report(budgetRef, `its floor cannot be told: ${floor}`);
          } else if (!(autoscaler.minReplicas > floor)) {
            report(
              autoscaler.ref,
              `minimum replicas ${autoscaler.minReplicas} is not above the floor ${floor} of ${budgetRef}, so no pod could ever be evicted at the minimum`,
            );
          }
        }
      }
    }
  },
);

const replicasFromBlueprint = defineRule(
  'scaling.replicas-from-blueprint',
  'each family with nodes is deployed, and its replicas and autoscaler minimum equal the blueprint count (maximum not below it)',
  (context, report) => {
    for (const family of context.blueprint.families) {
      const workloads = context.nodeWorkloads.filter((workload) => workload.family === family);
      if (workloads.length === 0 && family.count > 0 && family.type !== 'external') {
        report(
          `family/${family.name}`,
          `the blueprint ${context.blueprint.file} runs ${family.count} nodes of it, but no workload runs its pods`,
        );
      }
      for (const workload of workloads) {
        const replicas = specOf<{ replicas?: number }>(workload.object).replicas;
        if (replicas !== undefined && replicas !== family.count) {
          report(
            workload.ref,
            `replicas ${replicas}, but the blueprint ${context.blueprint.file} counts ${family.count} nodes of ${family.name}`,
          );
        }
        for (const autoscaler of autoscalersOf(context, workload)) {
          if (autoscaler.minReplicas !== family.count) {
            report(
              autoscaler.ref,
              `minimum replicas ${autoscaler.minReplicas}, but the blueprint ${context.blueprint.file} counts ${family.count} nodes of ${family.name}`,
            );
          }
          if (autoscaler.maxReplicas === undefined || autoscaler.maxReplicas < autoscaler.minReplicas) {
            report(
              autoscaler.ref,
              `maximum replicas ${String(autoscaler.maxReplicas)} is below the minimum ${autoscaler.minReplicas}`,
            );
          }
        }
      }
    }
  },
);

const rolloutKeepsCapacity = defineRule(
  'rollout.keeps-capacity',
  'node Deployments roll with maxUnavailable 0 and a surge, so a rollout never lowers capacity',
  (context, report) => {
    for (const workload of context.nodeWorkloads) {
      if (workload.object.kind !== 'Deployment') continue;
      const strategy = specOf<{
        strategy?: {
          type?: string;
          rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString };
        };
      }>(workload.object).strategy;
      if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
        report(workload.ref, `strategy ${String(strategy?.type)} stops every pod before starting new ones`);
        continue;
      }
      const { maxSurge = '25%', maxUnavailable = '25%' } = strategy?.rollingUpdate ?? {};
      if (!(maxUnavailable === 0 || maxUnavailable === '0' || maxUnavailable === '0%')) {
        report(
          workload.ref,
          `rollingUpdate.maxUnavailable is ${String(maxUnavailable)}${strategy?.rollingUpdate?.maxUnavailable === undefined ? ' (the default)' : ''}, not 0`,
        );
      }
      if (maxSurge === 0 || maxSurge === '0' || maxSurge === '0%')
        report(
          workload.ref,
          'rollingUpdate.maxSurge is 0, so a rollout cannot proceed without losing capacity',
        );
    }
  },
);

/** The scaling and rollout rules, in the order they report. */
export const SCALING_RULES: readonly PolicyRule[] = [
  pdbPerFamily,
  autoscalerPerFamily,
  minAboveFloor,
  replicasFromBlueprint,
  rolloutKeepsCapacity,
];
