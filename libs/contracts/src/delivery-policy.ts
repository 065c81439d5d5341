/**
 * The talk's retry strategies, one per interface:
 * - `at-most-once`: fire and forget; may lose, never duplicates.
 * - `at-least-once`: retried on error or timeout, possibly on another node; may duplicate, never loses what the
 *   broker confirmed.
 * - `exactly-once`: effectively-once processing; at-least-once delivery plus an idempotency key committed in the
 *   same transaction as the effect, so duplicates are delivered but never repeat the effect.
 */
export const deliveryPolicies = ['at-most-once', 'at-least-once', 'exactly-once'] as const;

/** The retry strategy of one interface. */
export type DeliveryPolicy = (typeof deliveryPolicies)[number];

/** Whether messages of this policy are persistent, confirmed by the broker and acknowledged after handling. */
export function isDurable(policy: DeliveryPolicy): boolean {
  return policy !== 'at-most-once';
}
