import { z } from 'zod';
import { defineCall } from '../contract';
import { orderId } from './ids';

/**
 * Charges an order at the payment provider. Exactly-once: the bus's idempotency key is passed on to the
 * provider as its Idempotency-Key, so a charge whose reply was lost is found again, never repeated.
 */
export const chargeOrder = defineCall({
  name: 'payments.charge',
  policy: 'exactly-once',
  request: z.object({ orderId, amountCents: z.number().int().min(1), currency: z.literal('EUR') }),
  reply: z.object({ chargeId: z.string(), status: z.enum(['succeeded', 'declined']) }),
  timeoutMs: 5_000,
  retry: { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 1_000 },
});
