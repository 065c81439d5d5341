// The recommended labels (app.kubernetes.io/*) on every object, and on node workloads the family and node
// type of the blueprint.
import { refOf } from '../kube-object';
import { NAME_LABEL } from './policy-context';
import { defineRule } from './policy-rule';
import type { PolicyRule } from './policy-rule';

const PART_OF = { key: 'app.kubernetes.io/part-of', value: 'trellis' };
const COMPONENT_LABEL = 'app.kubernetes.io/component';
const VERSION_LABEL = 'app.kubernetes.io/version';

const recommendedLabels = defineRule(
  'labels.recommended',
  `every object has ${NAME_LABEL} and ${PART_OF.key}=${PART_OF.value}; node workloads and their pods also ${COMPONENT_LABEL} = the node type, ${NAME_LABEL} = the family, and ${VERSION_LABEL}`,
  (context, report) => {
    for (const object of context.objects) {
      const labels = object.metadata.labels ?? {};
      if (labels[NAME_LABEL] === undefined) report(refOf(object), `has no ${NAME_LABEL} label`);
      if (labels[PART_OF.key] !== PART_OF.value)
        report(refOf(object), `${PART_OF.key} is ${labels[PART_OF.key] ?? 'unset'}, not ${PART_OF.value}`);
    }
    for (const workload of context.nodeWorkloads) {
      const { family } = workload;
      for (const [where, labels] of [
        ['the workload', workload.object.metadata.labels ?? {}],
        ['its pod template', workload.podLabels],
      ] as const) {
        if (labels[NAME_LABEL] !== family.name)
          report(
            workload.ref,
            `${where}: ${NAME_LABEL} is ${labels[NAME_LABEL] ?? 'unset'}, not the family ${family.name}`,
          );
        if (labels[COMPONENT_LABEL] !== family.type)
          report(
            workload.ref,
            `${where}: ${COMPONENT_LABEL} is ${labels[COMPONENT_LABEL] ?? 'unset'}, not the node type ${family.type}`,
          );
        if (labels[VERSION_LABEL] === undefined)
          report(workload.ref, `${where}: has no ${VERSION_LABEL} label`);
        if (labels[PART_OF.key] !== PART_OF.value)
          report(
            workload.ref,
            `${where}: ${PART_OF.key} is ${labels[PART_OF.key] ?? 'unset'}, not ${PART_OF.value}`,
          );
      }
    }
  },
);

/** The label rules. */
export const LABEL_RULES: readonly PolicyRule[] = [recommendedLabels];
