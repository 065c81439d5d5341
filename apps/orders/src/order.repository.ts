// The orders table (see migrations/): every write of the node goes through here, inside the caller's
// transaction when it passes one.
import type { Queryable } from '@trellis/database';
import { z } from 'zod';
import type { Order, OrderStatus } from './order';

const orderRow = z.object({
  order_id: z.string(),
  user_id: z.string(),
  session_id: z.string(),
  status: z.enum(['pending', 'paid', 'failed']),
  total_cents: z.number().int(),
  items: z.array(
    z.object({ bookId: z.string(), quantity: z.number().int(), unitPriceCents: z.number().int() }),
  ),
  charge_id: z.string().nullable(),
  created_at: z.date(),
});

const columns = 'order_id, user_id, session_id, status, total_cents, items, charge_id, created_at';

function orderOf(row: unknown): Order {
  const parsed = orderRow.parse(row);
  return {
    orderId: parsed.order_id,
    userId: parsed.user_id,
    sessionId: parsed.session_id,
    status: parsed.status,
    totalCents: parsed.total_cents,
    items: parsed.items,
    chargeId: parsed.charge_id,
    createdAt: parsed.created_at.toISOString(),
  };
}

/**
 * Reads and writes orders. Stateless: each method runs on the `Queryable` it is given, so a handler's writes
 * commit with its idempotency key and the reconciler's with nothing else.
 */
export class OrderRepository {
  /**
   * Records a new order under the idempotency key that placed it. `confirmationSent` says the orderConfirmed
   * event already left with this transaction (the outbox), so the reconciler must not send it again.
   */
  async insert(
    db: Queryable,
    order: Order,
    recorded: { idempotencyKey: string; confirmationSent: boolean },
  ): Promise<void> {
    await db.query(
      `INSERT INTO orders (order_id, user_id, session_id, status, total_cents, items, idempotency_key,
                           charge_id, confirmation_sent_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, CASE WHEN $9::boolean THEN now() END, $10, now())`,
      [
        order.orderId,
        order.userId,
        order.sessionId,
        order.status,
        order.totalCents,
        JSON.stringify(order.items),
        recorded.idempotencyKey,
        order.chargeId,
        recorded.confirmationSent,
        order.createdAt,
      ],
    );
  }

  /** The order with this id, or undefined. */
  async find(db: Queryable, orderId: string): Promise<Order | undefined> {
    const rows = await db.query(`SELECT ${columns} FROM orders WHERE order_id = $1`, [orderId]);
    return rows[0] === undefined ? undefined : orderOf(rows[0]);
  }

  /** Up to `limit` pending orders, the longest untouched first (see {@link touch}). */
  async pending(db: Queryable, limit: number): Promise<Order[]> {
    const rows = await db.query(
      `SELECT ${columns} FROM orders WHERE status = 'pending' ORDER BY updated_at LIMIT $1`,
      [limit],
    );
    return rows.map(orderOf);
  }

  /** Up to `limit` paid orders whose orderConfirmed event has not been handed to the bus yet. */
  async unconfirmed(db: Queryable, limit: number): Promise<Order[]> {
    const rows = await db.query(
      `SELECT ${columns} FROM orders WHERE status = 'paid' AND confirmation_sent_at IS NULL
       ORDER BY updated_at LIMIT $1`,
      [limit],
    );
    return rows.map(orderOf);
  }

  /**
   * Moves a pending order to `status`. Resolves false when the order was no longer pending (another node's
   * reconciler settled it first): only the node whose update took effect goes on to confirm it.
   */
  async settle(
    db: Queryable,
    orderId: string,
    status: Exclude<OrderStatus, 'pending'>,
    chargeId: string | null,
  ): Promise<boolean> {
    const rows = await db.query(
      `UPDATE orders SET status = $2, charge_id = $3, updated_at = now()
       WHERE order_id = $1 AND status = 'pending' RETURNING order_id`,
      [orderId, status, chargeId],
    );
    return rows.length > 0;
  }

  /** Sends a pending order to the back of the reconciler's list, so one stuck order cannot starve the others. */
  async touch(db: Queryable, orderId: string): Promise<void> {
    await db.query(`UPDATE orders SET updated_at = now() WHERE order_id = $1 AND status = 'pending'`, [
      orderId,
    ]);
  }

  /** Records that a paid order's orderConfirmed event was handed to the bus. */
  async markConfirmationSent(db: Queryable, orderId: string): Promise<void> {
    await db.query(`UPDATE orders SET confirmation_sent_at = now() WHERE order_id = $1`, [orderId]);
  }
}
