// Label selectors as Kubernetes evaluates them, for the checks that ask which pods a selector picks.

/** A `metav1.LabelSelector`: match labels and match expressions, both optional. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values?: readonly string[];
  }[];
}

type Labels = Readonly<Record<string, string>>;

/** Whether a `matchLabels`-only map (a Service's or an old-style selector) selects `labels`. */
export function mapSelects(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/**
 * Whether `selector` selects an object with `labels`. An empty selector selects everything (as in a
 * NetworkPolicy's `podSelector: {}`); an unknown operator selects nothing, so a typo cannot widen a policy.
 */
export function selectorSelects(selector: LabelSelector, labels: Labels): boolean {
  if (!mapSelects(selector.matchLabels ?? {}, labels)) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

/** Whether a selector has no terms at all, so that it selects every object. */
export function isEmptySelector(selector: LabelSelector): boolean {
  return (
    Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0
  );
}
