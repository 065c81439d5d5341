// The retry strategies and routings an interface can have, as the contracts define them (libs/contracts).

/** The contracts' `deliveryPolicies`, repeated here: the generator runs inside Nx and loads no workspace code. */
export const deliveryPolicies = ['at-most-once', 'at-least-once', 'exactly-once'] as const;
export type DeliveryPolicy = (typeof deliveryPolicies)[number];

/** `any` node of the family, or `by-key` to the node owning the request's key. */
export const routes = ['any', 'by-key'] as const;
export type Route = (typeof routes)[number];

export const deliveryPoliciesText = deliveryPolicies.join(', ');

export function isDeliveryPolicy(value: string): value is DeliveryPolicy {
  return (deliveryPolicies as readonly string[]).includes(value);
}

export function isRoute(value: string): value is Route {
  return (routes as readonly string[]).includes(value);
}

/** One sentence per policy (under a line's width): what it promises, so what the handler must be. */
export const policyPromise: Record<DeliveryPolicy, string> = {
  'at-most-once': 'Never retried: it may be lost, never duplicated.',
  'at-least-once':
    'Retried on error or timeout, maybe on another node: it may arrive twice, so it must be safe to repeat.',
  'exactly-once':
    "One idempotency key across retries, recorded with the handler's writes: no effect happens twice.",
};
