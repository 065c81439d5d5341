// Ordering the cart with the client's Idempotency-Key: place once, replay the same answer for the same key.
import type { Bus } from '@trellis/bus';
import { BusErrors } from '@trellis/bus';
import type { ReplyOf } from '@trellis/contracts';
import { BookshopErrors, clearCart, getCart, placeOrder, TrellisError } from '@trellis/contracts';
import type { Logger } from 'pino';

import type { AuthenticatedSession } from './authenticator';

type Order = ReplyOf<typeof placeOrder>;

/** What placing an order came to. */
export type PlacementResult =
  /** Placed by this request. */
  | { kind: 'placed'; order: Order }
  /** Placed earlier under the same key: the same order again. */
  | { kind: 'replayed'; order: Order }
  /** Every attempt failed without an answer: the order may or may not exist; retry with the same key. */
  | { kind: 'unknown' };

/**
 * The bus idempotency key of a client's key: namespaced by user so that two users' keys never collide
 * (the orders inbox is one table for all users).
 */
export function idempotencyKeyOf(userId: string, clientKey: string): string {
  return `${userId}:${clientKey}`;
}

type Line = { bookId: string; quantity: number };

function sameLines(a: readonly Line[], b: readonly Line[]): boolean {
  const key = (lines: readonly Line[]) =>
    lines
      .map((line) => `${line.bookId}\u0000${line.quantity}`)
      .sort()
      .join('\u0001');
  return key(a) === key(b);
}

/**
 * Orders the session's cart under the client's Idempotency-Key, then clears the cart.
 *
 * The replay is detected by asking the orders family for the key's stored outcome first
 * (`bus.outcome(placeOrder, key)`, served from the orders inbox) rather than by guessing from the reply: the
 * exactly-once reply of a duplicate is identical to the first, and after the first success the cart is
 * already empty, so a retry must not look at the cart to decide. Then:
 * - stored reply: the same order again (`replayed`); if the cart still holds exactly the ordered lines (the
 *   first clear failed) it is cleared now, and a cart holding other lines is a different request under the
 *   same key (`bus.idempotency_conflict`, 422);
 * - stored refusal: the same refusal again;
 * - nothing stored: an empty cart is `orders.empty_cart` (422); otherwise `orders.place` with the key, and
 *   the bus's exactly-once policy makes concurrent duplicates one order.
 * One extra call per order buys a replay answer that does not depend on the cart's state.
 */
export async function placeCartOrder(
  bus: Pick<Bus, 'call' | 'outcome'>,
  session: AuthenticatedSession,
  clientKey: string,
  logger: Pick<Logger, 'warn'>,
): Promise<PlacementResult> {
  const idempotencyKey = idempotencyKeyOf(session.userId, clientKey);
  const { sessionId, userId } = session;
  const prior = await bus.outcome(placeOrder, idempotencyKey);
  if (prior.status === 'rejected') throw TrellisError.fromData(prior.error);
  const cart = await bus.call(getCart, { sessionId });
  if (prior.status === 'replied') {
    const order = placeOrder.reply.parse(prior.reply);
    if (cart.items.length > 0) {
      if (!sameLines(cart.items, order.items)) {
        throw BusErrors.idempotencyConflict.create(
          'This Idempotency-Key was already used for an order of other items.',
        );
      }
      await clearAfterOrder(bus, sessionId, order.orderId, logger);
    }
    return { kind: 'replayed', order };
  }
  if (cart.items.length === 0) {
    // A concurrent request with the same key may have placed the order and emptied the cart between the two
    // reads above: look again before calling the cart empty.
    const placed = await bus.outcome(placeOrder, idempotencyKey);
    if (placed.status === 'replied') return { kind: 'replayed', order: placeOrder.reply.parse(placed.reply) };
    throw BookshopErrors.emptyCart.create('The cart is empty.');
  }
  let order: Order;
  try {
    order = await bus.call(placeOrder, { sessionId, userId, items: cart.items }, { idempotencyKey });
  } catch (error) {
    if (BusErrors.outcomeUnknown.is(error)) {
      logger.warn({ err: error }, 'order outcome unknown; the client retries with the same key');
      return { kind: 'unknown' };
    }
    throw error;
  }
  await clearAfterOrder(bus, sessionId, order.orderId, logger);
  return { kind: 'placed', order };
}

// The order exists whatever happens here, so a failed clear is logged, not answered as an error: the
// client's retry with the same key finds the ordered lines still in the cart and clears them then.
async function clearAfterOrder(
  bus: Pick<Bus, 'call'>,
  sessionId: string,
  orderId: string,
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  try {
    await bus.call(clearCart, { sessionId });
  } catch (error) {
    logger.warn({ err: error, orderId }, 'order placed but the cart was not cleared');
  }
}
