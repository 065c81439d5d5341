// The order as the orders node reasons about it: built from priced lines, then settled by its charge.
// Pure functions only: no bus, no Nest, no SQL.
import { BookshopErrors, TrellisError } from '@trellis/contracts';

/** Where an order stands: `pending` until its charge's outcome is known, then `paid` or `failed` for good. */
export type OrderStatus = 'pending' | 'paid' | 'failed';

/** A line of an order, at the price it was sold at. */
export interface OrderLine {
  readonly bookId: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

/** An order; `createdAt` is an ISO-8601 instant. */
export interface Order {
  readonly orderId: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly status: OrderStatus;
  readonly totalCents: number;
  readonly items: readonly OrderLine[];
  readonly chargeId: string | null;
  readonly createdAt: string;
}

/** What the charge of an order came to, as far as the order cares. */
export type ChargeVerdict = 'succeeded' | 'declined';

/** The facts a new order is made of. */
export interface OrderDraft {
  readonly orderId: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly items: readonly OrderLine[];
  readonly createdAt: string;
}

/**
 * Refuses an order without lines (`orders.empty_cart`, not retryable) before anything is priced or charged.
 */
export function assertNotEmpty(items: readonly unknown[]): void {
  if (items.length === 0) throw BookshopErrors.emptyCart.create('an order needs at least one line');
}

/**
 * A new order, pending its charge. The total is the sum of the priced lines, computed here rather than taken
 * from the catalog's reply, so the amount charged always matches the lines the client is shown.
 * Throws `orders.empty_cart` for no lines.
 */
export function draftOrder(draft: OrderDraft): Order {
  assertNotEmpty(draft.items);
  const totalCents = draft.items.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
  return {
    orderId: draft.orderId,
    userId: draft.userId,
    sessionId: draft.sessionId,
    status: 'pending',
    totalCents,
    items: draft.items.map((line) => ({ ...line })),
    chargeId: null,
    createdAt: draft.createdAt,
  };
}

/** True when the order has something to charge: a free order (total 0) is paid without a charge. */
export function needsCharge(order: Order): boolean {
  return order.totalCents > 0;
}

/** The status a charge verdict settles an order in. */
export function statusAfterCharge(verdict: ChargeVerdict): Exclude<OrderStatus, 'pending'> {
  return verdict === 'succeeded' ? 'paid' : 'failed';
}

/**
 * Settles a pending order by its charge's verdict. Only `pending` may move, and only to `paid` or `failed`: a
 * settled order never changes again, which is what lets a late or repeated verdict be ignored safely.
 * Throws an internal error for any other transition (a bug, not a client mistake).
 */
export function settleOrder(order: Order, verdict: ChargeVerdict, chargeId: string | null): Order {
  if (order.status !== 'pending') {
    throw new TrellisError({
      code: 'orders.illegal_transition',
      message: `order ${order.orderId} is ${order.status}; only a pending order can be settled`,
      status: 500,
      retryable: false,
    });
  }
  return { ...order, status: statusAfterCharge(verdict), chargeId };
}

/** Settles an order that has nothing to charge (total 0): paid at once. */
export function settleFreeOrder(order: Order): Order {
  if (needsCharge(order)) throw new Error(`order ${order.orderId} has ${order.totalCents} cents to charge`);
  return settleOrder(order, 'succeeded', null);
}
