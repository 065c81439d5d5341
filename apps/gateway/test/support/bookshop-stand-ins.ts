// Tiny in-test handlers standing in for the sessions/cart, catalog, orders and notifications nodes, so the
// gateway's tests run against the real bus without the real nodes. They keep just enough state to answer
// like the contracts say, and count what they were asked.
import type { Bus } from '@trellis/bus';
import {
  BookshopErrors,
  clearCart,
  getBook,
  getCart,
  getOrder,
  getSession,
  listBooks,
  login,
  logout,
  placeOrder,
  removeCartItem,
  sendSms,
  setCartItem,
} from '@trellis/contracts';
import type { HandlerReplyOf, RequestOf } from '@trellis/contracts';
import { randomUUID } from 'node:crypto';

type Book = HandlerReplyOf<typeof getBook>;
type Order = HandlerReplyOf<typeof placeOrder>;
type Line = { bookId: string; quantity: number };

/** The books every stand-in catalog sells. */
export const standInBooks: readonly Book[] = [
  { id: 'erlang-programming', title: 'Erlang Programming', author: 'Cesarini, Thompson', priceCents: 3990 },
  {
    id: 'designing-for-scalability',
    title: 'Designing for Scalability with Erlang/OTP',
    author: 'Cesarini, Vinoski',
    priceCents: 4490,
  },
];

/** Client Idempotency-Keys starting with this make the stand-in orders node fail every attempt (retryably). */
export const failingOrderKeyPrefix = 'always-fails-';

/** A user whose cart node fails unexpectedly (a bug with a secret in its message). */
export const userWithBrokenCart = 'broken-cart-user';
/** The secret that must never reach a client. */
export const brokenCartSecret = 'password=hunter2';

/** Options of {@link serveBookshop}. */
export interface StandInOptions {
  /** Interfaces to leave without a handler (no node of that family serves them). */
  readonly omit?: readonly string[];
  /** When set, `catalog.get` waits for this promise before answering (a node slower than its timeout). */
  readonly catalogGetWaitsFor?: Promise<void>;
}

/** The stand-ins' state and what they were asked. */
export class BookshopStandIns {
  readonly sessions = new Map<string, { userId: string; createdAt: string }>();
  readonly carts = new Map<string, Line[]>();
  readonly orders = new Map<string, Order>();
  /** `orders.place` handler runs that placed a new order. */
  ordersPlaced = 0;
  /** `catalog.get` handler runs started. */
  catalogGetsStarted = 0;
  readonly smsReceived: Array<RequestOf<typeof sendSms>> = [];
}

/**
 * Serves every interface the gateway calls (except `omit`) on `bus`, which needs the `exactlyOnce` option
 * (a Postgres schema) for `orders.place`.
 */
export async function serveBookshop(bus: Bus, options: StandInOptions = {}): Promise<BookshopStandIns> {
  const state = new BookshopStandIns();
  const omitted = new Set(options.omit ?? []);
  const serves = (name: string) => !omitted.has(name);

  const sessionOf = (sessionId: string) => {
    const session = state.sessions.get(sessionId);
    if (session === undefined) throw BookshopErrors.unknownSession.create(`no session ${sessionId}`);
    return session;
  };
  const cartOf = (sessionId: string) => {
    const session = sessionOf(sessionId);
    if (session.userId === userWithBrokenCart) throw new Error(`cart store refused ${brokenCartSecret}`);
    return state.carts.get(sessionId) ?? [];
  };

  if (serves(login.name)) {
    await bus.handle(login, ({ sessionId, userId }) => {
      const session = state.sessions.get(sessionId) ?? { userId, createdAt: new Date().toISOString() };
      state.sessions.set(sessionId, session);
      return { sessionId, ...session };
    });
  }
  if (serves(getSession.name)) {
    await bus.handle(getSession, ({ sessionId }) => ({ sessionId, ...sessionOf(sessionId) }));
  }
  if (serves(logout.name)) {
    await bus.handle(logout, ({ sessionId }) => {
      state.sessions.delete(sessionId);
      state.carts.delete(sessionId);
      return {};
    });
  }
  if (serves(listBooks.name)) {
    await bus.handle(listBooks, () => ({ items: [...standInBooks] }));
  }
  if (serves(getBook.name)) {
    await bus.handle(getBook, async ({ bookId }) => {
      state.catalogGetsStarted += 1;
      if (options.catalogGetWaitsFor !== undefined) await options.catalogGetWaitsFor;
      const found = standInBooks.find((book) => book.id === bookId);
      if (found === undefined) throw BookshopErrors.bookNotFound.create(`no book ${bookId}`);
      return found;
    });
  }
  if (serves(getCart.name)) {
    await bus.handle(getCart, ({ sessionId }) => ({ items: cartOf(sessionId) }));
  }
  if (serves(setCartItem.name)) {
    await bus.handle(setCartItem, ({ sessionId, bookId, quantity }) => {
      if (!standInBooks.some((book) => book.id === bookId)) {
        throw BookshopErrors.bookNotFound.create(`no book ${bookId}`);
      }
      const items = cartOf(sessionId).filter((line) => line.bookId !== bookId);
      items.push({ bookId, quantity });
      state.carts.set(sessionId, items);
      return { items };
    });
  }
  if (serves(removeCartItem.name)) {
    await bus.handle(removeCartItem, ({ sessionId, bookId }) => {
      const items = cartOf(sessionId).filter((line) => line.bookId !== bookId);
      state.carts.set(sessionId, items);
      return { items };
    });
  }
  if (serves(clearCart.name)) {
    await bus.handle(clearCart, ({ sessionId }) => {
      sessionOf(sessionId);
      state.carts.set(sessionId, []);
      return { items: [] };
    });
  }
  if (serves(placeOrder.name)) {
    // Exactly-once comes from the bus's real inbox (the nodes' bus has a Postgres schema): one order per
    // idempotency key, the stored reply for a duplicate, and `orders.placeOutcome` served from the inbox.
    await bus.handle(placeOrder, (request, context) => {
      if (context.idempotencyKey?.includes(`:${failingOrderKeyPrefix}`) === true) {
        throw BookshopErrors.providerUnavailable.create('payment provider did not answer');
      }
      const items = request.items.map((line) => {
        const book = standInBooks.find((candidate) => candidate.id === line.bookId);
        if (book === undefined) throw BookshopErrors.bookNotFound.create(`no book ${line.bookId}`);
        return { ...line, unitPriceCents: book.priceCents };
      });
      const order: Order = {
        orderId: randomUUID(),
        userId: request.userId,
        status: 'paid',
        totalCents: items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
        items,
        createdAt: new Date().toISOString(),
      };
      state.orders.set(order.orderId, order);
      state.ordersPlaced += 1;
      return order;
    });
  }
  if (serves(getOrder.name)) {
    await bus.handle(getOrder, ({ orderId, userId }) => {
      const found = state.orders.get(orderId);
      if (found === undefined || found.userId !== userId) {
        throw BookshopErrors.orderNotFound.create(`no order ${orderId}`);
      }
      return found;
    });
  }
  if (serves(sendSms.name)) {
    await bus.subscribe(sendSms, (message) => {
      state.smsReceived.push(message);
    });
  }
  return state;
}
