import { z } from 'zod';
import { defineCall } from '../contract';
import { line, orderId, sessionId, userId } from './ids';

/** An order as the client sees it. */
export const order = z.object({
  orderId,
  userId,
  status: z.enum(['paid', 'pending', 'failed']),
  totalCents: z.number().int().min(0),
  items: z.array(line.extend({ unitPriceCents: z.number().int().min(0) })),
  createdAt: z.string(),
});

/**
 * Orders the given lines and pays for them. Exactly-once: the client's Idempotency-Key is the bus's
 * idempotency key, so a retried order is never placed or charged twice; the same key with other lines is
 * refused (`bus.idempotency_conflict`).
 */
export const placeOrder = defineCall({
  name: 'orders.place',
  policy: 'exactly-once',
  request: z.object({ sessionId, userId, items: z.array(line) }),
  reply: order,
  timeoutMs: 8_000,
  retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 },
});

/** Reads an order of its owner; `orders.order_not_found` otherwise. */
export const getOrder = defineCall({
  name: 'orders.get',
  policy: 'at-least-once',
  request: z.object({ orderId, userId }),
  reply: order,
  timeoutMs: 2_000,
});
