// The shape of one named policy rule over a rendered bundle.
import type { Finding } from '../finding';
import type { PolicyContext } from './policy-context';

/** A named rule: its check returns one finding per object (and reason) that breaks it, none when it holds. */
export interface PolicyRule {
  /** Stable name, e.g. `pod.probes`; it prefixes every finding. */
  readonly name: string;
  /** What the rule asks, in one sentence. */
  readonly description: string;
  readonly check: (context: PolicyContext) => Finding[];
}

/** A rule from its name, description and check; the check reports with `report(object, message)`. */
export function defineRule(
  name: string,
  description: string,
  check: (context: PolicyContext, report: (object: string, message: string) => void) => void,
): PolicyRule {
  return {
    name,
    description,
    check: (context) => {
      const findings: Finding[] = [];
      check(context, (object, message) => findings.push({ rule: name, object, message }));
      return findings;
    },
  };
}
