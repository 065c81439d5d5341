// What an answer of the payment provider's charge API means for us, decided from its status, headers and
// body alone (no I/O), so every branch is unit-tested.
import { z } from 'zod';

/** The provider's reading of one `POST /v1/charges`. */
export type ProviderAnswer =
  /** The charge was made (or made earlier under the same key and replayed). */
  | { readonly kind: 'charged'; readonly chargeId: string }
  /** The provider refused the charge (402): a final answer, stored as the call's outcome. */
  | { readonly kind: 'declined'; readonly chargeId: string | undefined; readonly reason: string }
  /**
   * The provider is alive but will not take the request now: 429 (too many in flight) or 409 (the same key is
   * still in flight there). Retrying with the same key later is safe; `retryAfterMs` is its hint, if any.
   */
  | { readonly kind: 'busy'; readonly reason: string; readonly retryAfterMs: number | undefined }
  /** 5xx: the provider failed; nothing was charged, or the retry with the same key finds the charge. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** Any other answer: our request is wrong (a bug here, not a state of the provider); retrying cannot help. */
  | { readonly kind: 'rejected'; readonly reason: string };

const chargeBody = z.object({ id: z.string().min(1), status: z.literal('succeeded') });
// Payment APIs put the declined charge's id, when they made one, beside the error code (Stripe's `charge`).
const errorBody = z.object({
  error: z.object({
    code: z.string().optional(),
    message: z.string().optional(),
    charge: z.string().optional(),
  }),
});

/** Longest Retry-After we take as given; a provider asking for more is treated as asking for this. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Reads a `Retry-After` header (delay in seconds, or an HTTP date) as milliseconds from `now`, capped at
 * {@link MAX_RETRY_AFTER_MS}; `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

function describe(status: number, body: unknown): string {
  const parsed = errorBody.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : undefined;
  const message = parsed.success ? parsed.data.error.message : undefined;
  return [`provider answered ${status}`, code, message].filter((part) => part !== undefined).join(': ');
}

/** Classifies one answer of `POST /v1/charges`; `body` is the parsed JSON, or undefined when it was not JSON. */
export function readProviderAnswer(
  status: number,
  retryAfter: string | null,
  body: unknown,
  now: number,
): ProviderAnswer {
  if (status === 200 || status === 201) {
    const parsed = chargeBody.safeParse(body);
    if (parsed.success) return { kind: 'charged', chargeId: parsed.data.id };
    return { kind: 'rejected', reason: `provider answered ${status} with an unreadable charge` };
  }
  if (status === 402) {
    const parsed = errorBody.safeParse(body);
    return {
      kind: 'declined',
      chargeId: parsed.success ? parsed.data.error.charge : undefined,
      reason: describe(status, body),
    };
  }
  if (status === 409 || status === 429) {
    return { kind: 'busy', reason: describe(status, body), retryAfterMs: parseRetryAfter(retryAfter, now) };
  }
  if (status >= 500) return { kind: 'failed', reason: describe(status, body) };
  return { kind: 'rejected', reason: describe(status, body) };
}
