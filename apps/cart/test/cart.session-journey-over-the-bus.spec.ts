// A session's whole life through a real bus caller, against real RabbitMQ and Redis.
import { randomUUID } from 'node:crypto';
import {
  BookshopErrors,
  clearCart,
  getCart,
  getSession,
  login,
  logout,
  removeCartItem,
  setCartItem,
} from '@trellis/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CartCluster } from './support/cart-cluster';
import { startCartCluster } from './support/cart-cluster';

let cluster: CartCluster;
beforeAll(async () => {
  cluster = await startCartCluster('cart-journey', ['cart-1']);
});
afterAll(async () => {
  await cluster?.close();
});

it('logs in, fills and empties the cart, logs out, and is then an unknown session', async () => {
  const { caller } = cluster;
  const sessionId = randomUUID();

  const session = await caller.call(login, { sessionId, userId: 'ada' });
  expect(session).toMatchObject({ sessionId, userId: 'ada' });
  // A repeated login (a retry) is the same session.
  await expect(caller.call(login, { sessionId, userId: 'ada' })).resolves.toEqual(session);
  await expect(caller.call(getSession, { sessionId })).resolves.toEqual(session);
  await expect(caller.call(getCart, { sessionId })).resolves.toEqual({ items: [] });

  await caller.call(setCartItem, { sessionId, bookId: 'b1', quantity: 2 });
  await expect(caller.call(setCartItem, { sessionId, bookId: 'b2', quantity: 1 })).resolves.toEqual({
    items: [
      { bookId: 'b1', quantity: 2 },
      { bookId: 'b2', quantity: 1 },
    ],
  });
  await expect(caller.call(getCart, { sessionId })).resolves.toEqual({
    items: [
      { bookId: 'b1', quantity: 2 },
      { bookId: 'b2', quantity: 1 },
    ],
  });

  await expect(caller.call(removeCartItem, { sessionId, bookId: 'b1' })).resolves.toEqual({
    items: [{ bookId: 'b2', quantity: 1 }],
  });
  await expect(caller.call(removeCartItem, { sessionId, bookId: 'b1' })).resolves.toEqual({
    items: [{ bookId: 'b2', quantity: 1 }],
  });

  await expect(caller.call(logout, { sessionId })).resolves.toEqual({});
  await expect(caller.call(logout, { sessionId })).resolves.toEqual({});
  const afterLogout = [
    () => caller.call(getSession, { sessionId }),
    () => caller.call(getCart, { sessionId }),
    () => caller.call(setCartItem, { sessionId, bookId: 'b1', quantity: 1 }),
  ];
  for (const call of afterLogout) {
    await expect(call()).rejects.toMatchObject({ code: BookshopErrors.unknownSession.code, status: 401 });
  }
  // Logout dropped the cart: nothing of the session is left in the store.
  await expect(cluster.store.deleteEverything()).resolves.toBe(0);
});

it('starts a new login under an old session id with an empty cart', async () => {
  const { caller } = cluster;
  const sessionId = randomUUID();
  await caller.call(login, { sessionId, userId: 'ada' });
  await caller.call(setCartItem, { sessionId, bookId: 'b3', quantity: 1 });
  await caller.call(logout, { sessionId });

  await caller.call(login, { sessionId, userId: 'ada' });
  await expect(caller.call(getCart, { sessionId })).resolves.toEqual({ items: [] });
});

it('clears the cart of a live session, and refuses to clear one of an unknown session', async () => {
  const { caller } = cluster;
  const sessionId = randomUUID();
  await caller.call(login, { sessionId, userId: 'ada' });
  await caller.call(setCartItem, { sessionId, bookId: 'b1', quantity: 3 });
  await expect(caller.call(clearCart, { sessionId })).resolves.toEqual({ items: [] });
  await expect(caller.call(getCart, { sessionId })).resolves.toEqual({ items: [] });
  await expect(caller.call(clearCart, { sessionId: randomUUID() })).rejects.toMatchObject({
    code: BookshopErrors.unknownSession.code,
  });
});
