// Placing an order: price the lines, charge the total, record the order, all in the orders.place handler's
// exactly-once transaction.
import type { Bus } from '@trellis/bus';
import { BusErrors } from '@trellis/bus';
import type { HandledRequestOf, MessageContract, RequestOf } from '@trellis/contracts';
import type { placeOrder } from '@trellis/contracts';
import { orderConfirmed, priceLines } from '@trellis/contracts';
import type { Queryable } from '@trellis/database';
import { TaskCancelledError, timeout, TimeoutStrategy } from 'cockatiel';
import type { Logger } from 'pino';
import type { ChargeClient } from './charge-client';
import type { Order } from './order';
import { assertNotEmpty, draftOrder, needsCharge, settleFreeOrder, settleOrder } from './order';
import { orderIdFor } from './order-keys';
import type { OrderRepository } from './order.repository';

/** What one placement needs from the exactly-once handler that runs it. */
export interface PlacementScope {
  /** The client's idempotency key: the order id and the charge key derive from it. */
  readonly idempotencyKey: string;
  /** The handler's transaction: the order row commits with the idempotency key. */
  readonly db: Queryable;
  /** The transactional outbox: the event leaves only if the transaction commits. */
  emit<C extends MessageContract>(contract: C, message: RequestOf<C>): Promise<void>;
  readonly logger: Logger;
}

/** The message that tells notifications an order was paid. */
export function confirmationOf(order: Order): RequestOf<typeof orderConfirmed> {
  return {
    orderId: order.orderId,
    userId: order.userId,
    totalCents: order.totalCents,
    items: order.items.map(({ bookId, quantity }) => ({ bookId, quantity })),
  };
}

/**
 * Places orders. The catalog and payments calls run inside the handler's open transaction: that holds a pooled
 * connection and the inbox row lock for their length, which is acceptable here because both are short and
 * bounded (the price and charge budgets fit in one orders.place attempt), and the lock is what makes a
 * concurrent duplicate of the same order wait for this one instead of charging again.
 */
export class Checkout {
  private readonly priceBudget;

  constructor(
    private readonly bus: Bus,
    private readonly charges: ChargeClient,
    private readonly orders: OrderRepository,
    priceBudgetMs: number,
  ) {
    this.priceBudget = timeout(priceBudgetMs, TimeoutStrategy.Aggressive);
  }

  /**
   * Places one order and resolves with it: `paid` (confirmation in the outbox), `failed` (declined), or
   * `pending` when the charge's outcome is not known in time (the reconciler settles it later). Rejects with
   * `orders.empty_cart` or `catalog.book_not_found` (stored as the key's outcome), or with a retryable error
   * when the catalog did not answer in time (nothing is stored; the caller tries again).
   */
  async place(request: HandledRequestOf<typeof placeOrder>, scope: PlacementScope): Promise<Order> {
    assertNotEmpty(request.items);
    const priced = await this.price(request.items);
    let order = draftOrder({
      orderId: orderIdFor(scope.idempotencyKey),
      userId: request.userId,
      sessionId: request.sessionId,
      items: priced,
      createdAt: new Date().toISOString(),
    });
    if (!needsCharge(order)) {
      order = settleFreeOrder(order);
    } else {
      const charge = await this.charges.charge(order);
      if (charge.kind === 'settled') {
        order = settleOrder(order, charge.verdict, charge.chargeId);
      } else {
        scope.logger.warn(
          { orderId: order.orderId, reason: charge.reason },
          'charge outcome unknown; the order is recorded pending for the reconciler',
        );
      }
    }
    const paid = order.status === 'paid';
    if (paid) await scope.emit(orderConfirmed, confirmationOf(order));
    await this.orders.insert(scope.db, order, {
      idempotencyKey: scope.idempotencyKey,
      confirmationSent: paid,
    });
    return order;
  }

  private async price(items: HandledRequestOf<typeof placeOrder>['items']) {
    try {
      const priced = await this.priceBudget.execute(() => this.bus.call(priceLines, { items }));
      return priced.items;
    } catch (error) {
      // Retryable on purpose: nothing was charged yet, so the whole placement can simply run again.
      if (error instanceof TaskCancelledError) {
        throw BusErrors.timeout.create('the catalog did not price the order in time', undefined, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
