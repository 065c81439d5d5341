// The cart node's domain: sessions and their carts over two datasets. It knows datasets and the bookshop's
// errors, not the bus or Nest, so the ring's sharing strategies can replace Redis under it unchanged.
import { BookshopErrors } from '@trellis/contracts';
import type { Dataset } from '@trellis/data';
import type { Cart } from './cart';
import { emptyCart, removeItem, setItem } from './cart';
import type { Session } from './session';
import { openSession, startsNewSession } from './session';

/** What the cart needs to know of the catalogue. */
export interface BookCatalog {
  /** Resolves when the book exists; rejects with `catalog.book_not_found` when it does not. */
  requireBook(bookId: string): Promise<void>;
}

/**
 * Sessions and carts, both keyed by session id. A cart is reachable only through a live session: every cart
 * operation checks the session first and fails with `sessions.unknown_session` once it is gone (logged out
 * or expired), which tells the client to log in again.
 */
export class SessionCarts {
  constructor(
    private readonly sessions: Dataset<Session>,
    private readonly carts: Dataset<Cart>,
    private readonly catalog: BookCatalog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Opens the session, or refreshes it (restarting its time to live) when the same user logs in again under
   * the same id: idempotent. A new session starts with an empty cart, so a cart left behind by an expired
   * session under the same id never comes back.
   */
  async login(request: { sessionId: string; userId: string }): Promise<Session> {
    const current = await this.sessions.get(request.sessionId);
    // Dropped before the session exists, so no cart call of the new session can run in between.
    if (startsNewSession(current, request)) await this.carts.delete(request.sessionId);
    const now = this.now();
    return this.sessions.update(request.sessionId, (stored) => openSession(stored, request, now));
  }

  /** The live session; `sessions.unknown_session` when there is none. */
  async session(sessionId: string): Promise<Session> {
    const session = await this.sessions.get(sessionId);
    if (session === undefined) {
      throw BookshopErrors.unknownSession.create(`session ${sessionId} is unknown or has expired`, {
        sessionId,
      });
    }
    return session;
  }

  /** Ends the session and drops its cart; ending a session that is gone is not an error. */
  async logout(sessionId: string): Promise<void> {
    // The session goes first: from then on every cart call fails, so none can write the cart after it is dropped
    // (except one that passed its session check just before; its cart is unreachable and expires).
    await this.sessions.delete(sessionId);
    await this.carts.delete(sessionId);
  }

  /** The session's cart (empty when nothing was added). */
  async cart(sessionId: string): Promise<Cart> {
    await this.session(sessionId);
    return (await this.carts.get(sessionId)) ?? emptyCart;
  }

  /** Sets the quantity of a book the catalogue knows (idempotent); `catalog.book_not_found` otherwise. */
  async setItem(sessionId: string, bookId: string, quantity: number): Promise<Cart> {
    await this.session(sessionId);
    await this.catalog.requireBook(bookId);
    return this.carts.update(sessionId, (cart) => setItem(cart ?? emptyCart, bookId, quantity));
  }

  /** Removes a book from the cart (idempotent). */
  async removeItem(sessionId: string, bookId: string): Promise<Cart> {
    await this.session(sessionId);
    const cart = await this.carts.update(sessionId, (stored) =>
      stored === undefined ? undefined : removeItem(stored, bookId),
    );
    return cart ?? emptyCart;
  }

  /** Empties the cart (idempotent). */
  async clear(sessionId: string): Promise<Cart> {
    await this.session(sessionId);
    await this.carts.delete(sessionId);
    return emptyCart;
  }
}
