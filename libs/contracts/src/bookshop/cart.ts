import { z } from 'zod';
import { defineCall } from '../contract';
import { bookId, bySession, line, quantity, sessionId } from './ids';

/** A session's cart. */
export const cartView = z.object({ items: z.array(line) });

/** Reads the cart of a session. */
export const getCart = defineCall({
  name: 'cart.get',
  policy: 'at-least-once',
  request: z.object({ sessionId }),
  reply: cartView,
  routing: bySession,
  timeoutMs: 2_000,
});

/** Sets the quantity of a book: idempotent by design, so at-least-once is enough. */
export const setCartItem = defineCall({
  name: 'cart.setItem',
  policy: 'at-least-once',
  request: z.object({ sessionId, bookId, quantity }),
  reply: cartView,
  routing: bySession,
  timeoutMs: 3_000,
});

/** Removes a book from the cart (idempotent). */
export const removeCartItem = defineCall({
  name: 'cart.removeItem',
  policy: 'at-least-once',
  request: z.object({ sessionId, bookId }),
  reply: cartView,
  routing: bySession,
  timeoutMs: 2_000,
});

/** Empties the cart after an order was placed (idempotent). */
export const clearCart = defineCall({
  name: 'cart.clear',
  policy: 'at-least-once',
  request: z.object({ sessionId }),
  reply: cartView,
  routing: bySession,
  timeoutMs: 2_000,
});
