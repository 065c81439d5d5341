// A session's cart as a plain value, and what can be done to it: pure functions, no I/O.
import { line } from '@trellis/contracts';
import { z } from 'zod';

/** The stored form of a cart: one line per book, in the order the books were first added. */
export const cartSchema = z.object({ items: z.array(line) });

/** A session's cart. */
export type Cart = z.infer<typeof cartSchema>;

/** The cart of a session that has not added anything (or has cleared it). */
export const emptyCart: Cart = Object.freeze({ items: [] });

/**
 * The cart with `bookId` at exactly `quantity`: the line is replaced in place, or appended when the book
 * was not in the cart. Setting rather than adding makes the operation idempotent, so a redelivered call
 * cannot double a quantity.
 */
export function setItem(cart: Cart, bookId: string, quantity: number): Cart {
  const index = cart.items.findIndex((item) => item.bookId === bookId);
  if (index === -1) return { items: [...cart.items, { bookId, quantity }] };
  return { items: cart.items.map((item, i) => (i === index ? { bookId, quantity } : item)) };
}

/** The cart without `bookId`; the same cart when the book was not in it. */
export function removeItem(cart: Cart, bookId: string): Cart {
  if (!cart.items.some((item) => item.bookId === bookId)) return cart;
  return { items: cart.items.filter((item) => item.bookId !== bookId) };
}
