// The orders family's interfaces on the bus: decode, hand to the checkout or the repository, encode.
import { Inject, Injectable } from '@nestjs/common';
import type { HandlerContext } from '@trellis/bus-nest';
import { HandlesCall } from '@trellis/bus-nest';
import type { HandledRequestOf, HandlerReplyOf } from '@trellis/contracts';
import { BookshopErrors, getOrder, placeOrder } from '@trellis/contracts';
import type { Database, Queryable } from '@trellis/database';
import { Checkout } from './checkout';
import type { Order } from './order';
import { OrderRepository } from './order.repository';
import { ordersDatabase } from './orders-database';

/** The client's view of an order (the `order` schema of the contracts). */
function viewOf(order: Order): HandlerReplyOf<typeof getOrder> {
  return {
    orderId: order.orderId,
    userId: order.userId,
    status: order.status,
    totalCents: order.totalCents,
    items: order.items.map((line) => ({ ...line })),
    createdAt: order.createdAt,
  };
}

/** The exactly-once handler's transaction client, seen as the repository's `Queryable`. */
function transactionOf(context: HandlerContext): Queryable {
  const client = context.db;
  return {
    query: async <Row>(text: string, values: readonly unknown[] = []): Promise<Row[]> => {
      const result = await client.query(text, [...values]);
      return result.rows as Row[];
    },
  };
}

/** Serves `orders.place` (exactly-once) and `orders.get` (at-least-once). */
@Injectable()
export class OrdersHandlers {
  // Explicit tokens: the node runs under tsx (esbuild), which emits no constructor type metadata.
  constructor(
    @Inject(Checkout) private readonly checkout: Checkout,
    @Inject(OrderRepository) private readonly orders: OrderRepository,
    @Inject(ordersDatabase) private readonly database: Database,
  ) {}

  /** Places an order once per idempotency key; a pending reply means the charge is still being settled. */
  @HandlesCall(placeOrder)
  async place(
    request: HandledRequestOf<typeof placeOrder>,
    context: HandlerContext,
  ): Promise<HandlerReplyOf<typeof placeOrder>> {
    const order = await this.checkout.place(request, {
      // The inbox keys a call without one by its correlation id; the order id must follow the same key.
      idempotencyKey: context.idempotencyKey ?? context.correlationId,
      db: transactionOf(context),
      emit: (contract, message) => context.emit(contract, message),
      logger: context.logger,
    });
    return viewOf(order);
  }

  /** An order of its owner; `orders.order_not_found` for anyone else, so order ids cannot be probed. */
  @HandlesCall(getOrder)
  async get({
    orderId,
    userId,
  }: HandledRequestOf<typeof getOrder>): Promise<HandlerReplyOf<typeof getOrder>> {
    const order = await this.orders.find(this.database, orderId);
    if (order === undefined || order.userId !== userId) {
      throw BookshopErrors.orderNotFound.create(`no order ${orderId} for this user`, { orderId });
    }
    return viewOf(order);
  }
}
