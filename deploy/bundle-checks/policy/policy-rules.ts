// Step 3 of the bundle checks: every policy rule, each named, over a rendered bundle and its blueprint.
import type { Blueprint } from '@trellis/supervisor';

import type { Finding } from '../finding';
import type { KubeObject } from '../kube-object';
import { LABEL_RULES } from './label-rules';
import { NETWORK_RULES } from './network-rules';
import { PolicyContext } from './policy-context';
import type { PolicyRule } from './policy-rule';
import { POD_RULES } from './pod-rules';
import { REFERENCE_RULES } from './reference-rules';
import { SCALING_RULES } from './scaling-rules';
import { SELECTOR_RULES } from './selector-rules';

/** Every policy rule, in the order they report. */
export const POLICY_RULES: readonly PolicyRule[] = [
  ...POD_RULES,
  ...SCALING_RULES,
  ...NETWORK_RULES,
  ...SELECTOR_RULES,
  ...REFERENCE_RULES,
  ...LABEL_RULES,
];

/** What the policy check needs: the rendered objects, the blueprint they come from, and the README. */
export interface PolicyInput {
  readonly objects: readonly KubeObject[];
  readonly blueprint: Blueprint;
  readonly readme?: string;
}

/** Runs every rule (or those named in `only`) and returns their findings, rule by rule. */
export function checkPolicy(input: PolicyInput, only?: readonly string[]): Finding[] {
  const context = new PolicyContext(input.objects, input.blueprint, input.readme);
  return POLICY_RULES.filter((rule) => only === undefined || only.includes(rule.name)).flatMap((rule) =>
    rule.check(context),
  );
}
