// What every check reports: which rule failed on which object, and why.

/** One failed rule on one object. */
export interface Finding {
  /** The check's stable name, e.g. `pod.probes` or `schema.unknown-field`. */
  readonly rule: string;
  /** The object, as `Kind/namespace/name` (`Kind/name` when it has no namespace). */
  readonly object: string;
  readonly message: string;
}

/** `rule: object: message`, one line, for assertion messages and reports. */
export function formatFinding(finding: Finding): string {
  return `${finding.rule}: ${finding.object}: ${finding.message}`;
}

/** Every finding on its own line, or `(none)`. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.length === 0 ? '(none)' : findings.map(formatFinding).join('\n');
}
