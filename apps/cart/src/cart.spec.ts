import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cart } from './cart';
import { cartSchema, emptyCart, removeItem, setItem } from './cart';

const bookIds = fc.constantFrom('b1', 'b2', 'b3', 'b4', 'b5');
const quantities = fc.integer({ min: 1, max: 99 });
/** Any cart reachable through setItem and removeItem from an empty one. */
const carts: fc.Arbitrary<Cart> = fc
  .array(fc.oneof(fc.tuple(bookIds, quantities), fc.tuple(bookIds, fc.constant(0))), { maxLength: 20 })
  .map((steps) =>
    steps.reduce<Cart>(
      (cart, [bookId, quantity]) =>
        quantity === 0 ? removeItem(cart, bookId) : setItem(cart, bookId, quantity),
      emptyCart,
    ),
  );

describe('setItem', () => {
  it('appends a new book and replaces the quantity of one already there, in place', () => {
    const cart = setItem(setItem(setItem(emptyCart, 'b1', 1), 'b2', 2), 'b1', 5);
    expect(cart).toEqual({
      items: [
        { bookId: 'b1', quantity: 5 },
        { bookId: 'b2', quantity: 2 },
      ],
    });
  });

  it('is idempotent: setting a quantity twice gives the cart setting it once gives', () => {
    fc.assert(
      fc.property(carts, bookIds, quantities, (cart, bookId, quantity) => {
        const once = setItem(cart, bookId, quantity);
        expect(setItem(once, bookId, quantity)).toEqual(once);
      }),
    );
  });

  it('keeps one line per book, and the cart valid for its stored schema', () => {
    fc.assert(
      fc.property(carts, (cart) => {
        const books = cart.items.map((item) => item.bookId);
        expect(new Set(books).size).toBe(books.length);
        expect(cartSchema.safeParse(cart).success).toBe(true);
      }),
    );
  });

  it('does not change the cart it was given', () => {
    const cart = setItem(emptyCart, 'b1', 1);
    setItem(cart, 'b1', 3);
    setItem(cart, 'b2', 1);
    expect(cart).toEqual({ items: [{ bookId: 'b1', quantity: 1 }] });
    expect(emptyCart).toEqual({ items: [] });
  });
});

describe('removeItem', () => {
  it('after setItem leaves the cart without the book and every other line as it was', () => {
    fc.assert(
      fc.property(carts, bookIds, quantities, (cart, bookId, quantity) => {
        const after = removeItem(setItem(cart, bookId, quantity), bookId);
        expect(after.items.some((item) => item.bookId === bookId)).toBe(false);
        expect(after.items).toEqual(cart.items.filter((item) => item.bookId !== bookId));
      }),
    );
  });

  it('is idempotent, and leaves a cart without the book as it is', () => {
    fc.assert(
      fc.property(carts, bookIds, (cart, bookId) => {
        const once = removeItem(cart, bookId);
        expect(removeItem(once, bookId)).toEqual(once);
      }),
    );
    expect(removeItem(emptyCart, 'b1')).toEqual({ items: [] });
  });
});
