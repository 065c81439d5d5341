// The recommended labels (app.kubernetes.io/*) every rendered object carries.

/** `app.kubernetes.io/part-of` of everything the bundle deploys. */
export const PART_OF = 'trellis';

/** The labels that select a family's pods: stable across releases, so never the version. */
export function selectorOf(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': PART_OF };
}

/** The full set: name (the family), component (its node type, or the backing service's role), version. */
export function labelsOf(name: string, component: string, version: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/version': version,
  };
}

/** The node types whose pods are platform nodes (the simulator and the backing services are not). */
export const NODE_COMPONENTS = ['front-end', 'logic', 'service'] as const;

/** A selector of every platform node's pods. */
export function allNodesSelector(): Record<string, unknown> {
  return {
    matchLabels: { 'app.kubernetes.io/part-of': PART_OF },
    matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: [...NODE_COMPONENTS] }],
  };
}
