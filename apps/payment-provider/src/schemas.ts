// Wire shapes of the simulator's API: what clients send (validated with zod) and the charges it returns.
import { z } from 'zod';

/** Currencies the simulator accepts, ISO 4217. */
export const currencies = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'DKK', 'NOK', 'PLN'] as const;

/** Body of `POST /v1/charges`. Unknown fields are rejected, as the real API rejects unknown parameters. */
export const chargeRequestSchema = z.strictObject({
  // The real API's ceiling for one charge; a larger amount is a client bug worth catching in tests.
  amountCents: z.number().int().positive().max(99_999_999),
  currency: z.enum(currencies),
  reference: z.string().trim().min(1).max(500),
});

/** A validated charge request. */
export type ChargeRequest = z.infer<typeof chargeRequestSchema>;

/** The `Idempotency-Key` header: 1 to 255 printable characters. */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** Body of `PUT /v1/_faults`; every field is optional and an absent one means "no such fault". */
export const faultSettingsSchema = z.strictObject({
  /** Time each new charge spends in flight after its key is claimed, before it is charged. */
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  /** Share of new charges answered 503 before anything is charged (and the key released). */
  failRate: z.number().min(0).max(1).optional(),
  /** The next N new charges are recorded and then their connection is destroyed without a reply. */
  dropReplyAfterCommit: z.number().int().min(0).optional(),
  /** Seed for the fault dice; without it they are seeded from the clock. */
  seed: z.number().int().optional(),
});

/** Fault settings as sent by a test. */
export type FaultSettingsInput = z.infer<typeof faultSettingsSchema>;

/** A charge as the API returns it. */
export interface Charge {
  readonly id: string;
  readonly amountCents: number;
  readonly currency: ChargeRequest['currency'];
  readonly reference: string;
  readonly status: 'succeeded';
  /** ISO 8601 timestamp. */
  readonly createdAt: string;
}
