// cart.setItem asks the catalogue over the bus and refuses a book it does not know, leaving the cart as it was.
import { randomUUID } from 'node:crypto';
import { BookshopErrors, getCart, login, setCartItem } from '@trellis/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CartCluster } from './support/cart-cluster';
import { startCartCluster } from './support/cart-cluster';

let cluster: CartCluster;
beforeAll(async () => {
  cluster = await startCartCluster('cart-unknown-book', ['cart-1']);
});
afterAll(async () => {
  await cluster?.close();
});

it('answers catalog.book_not_found for a book the catalogue does not know, and keeps the cart', async () => {
  const { caller } = cluster;
  const sessionId = randomUUID();
  await caller.call(login, { sessionId, userId: 'ada' });
  await caller.call(setCartItem, { sessionId, bookId: 'b1', quantity: 1 });

  await expect(
    caller.call(setCartItem, { sessionId, bookId: 'no-such-book', quantity: 1 }),
  ).rejects.toMatchObject({
    code: BookshopErrors.bookNotFound.code,
    status: 404,
    retryable: false,
  });
  await expect(caller.call(getCart, { sessionId })).resolves.toEqual({
    items: [{ bookId: 'b1', quantity: 1 }],
  });
});
