// At-least-once means a cart.setItem may run twice; setting (not adding) a quantity makes that harmless.
import { randomUUID } from 'node:crypto';
import { getCart, login, setCartItem } from '@trellis/contracts';
import { waitFor } from '@trellis/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CartCluster } from './support/cart-cluster';
import { startCartCluster } from './support/cart-cluster';

const nodes = ['cart-a', 'cart-b'] as const;
let cluster: CartCluster;
beforeAll(async () => {
  cluster = await startCartCluster('cart-set-twice', nodes);
});
afterAll(async () => {
  await cluster?.close();
});

function setItemsHandled(): number {
  return nodes.reduce(
    (sum, nodeId) => sum + cluster.busOf(nodeId).metrics.count('cart.setItem', 'handled'),
    0,
  );
}

it('leaves the same cart when the same setItem reaches both nodes', async () => {
  const { caller } = cluster;
  const sessionId = randomUUID();
  await caller.call(login, { sessionId, userId: 'ada' });
  await caller.call(setCartItem, { sessionId, bookId: 'b1', quantity: 1 });
  const request = { sessionId, bookId: 'b2', quantity: 3 };

  const replies = await Promise.all(
    nodes.map((nodeId) => {
      cluster.aimAt(nodeId);
      return caller.call(setCartItem, request);
    }),
  );
  cluster.aimAt(undefined);
  const once = {
    items: [
      { bookId: 'b1', quantity: 1 },
      { bookId: 'b2', quantity: 3 },
    ],
  };
  expect(replies).toEqual([once, once]);
  await expect(caller.call(getCart, { sessionId })).resolves.toEqual(once);
});

it('leaves the same cart when the caller retries a setItem whose first attempt still ran', async () => {
  const { caller } = cluster;
  const sessionId = randomUUID();
  await caller.call(login, { sessionId, userId: 'bob' });
  const handledBefore = setItemsHandled();

  // The catalogue stalls, so the first attempt outlives its timeout and the caller sends a second one;
  // once both attempts are in their handlers the catalogue answers and both write the cart.
  const catalog = cluster.holdCatalog();
  const reply = caller.call(setCartItem, { sessionId, bookId: 'b3', quantity: 2 });
  await waitFor(() => caller.metrics.count('cart.setItem', 'retried') >= 1, {
    timeoutMs: 15_000,
    description: 'the caller to retry cart.setItem after the first attempt timed out',
  });
  await waitFor(() => catalog.held() >= 2, {
    timeoutMs: 15_000,
    description: 'the second attempt to reach the catalogue',
  });
  catalog.release();

  await expect(reply).resolves.toEqual({ items: [{ bookId: 'b3', quantity: 2 }] });
  await waitFor(() => setItemsHandled() - handledBefore >= 2, {
    timeoutMs: 15_000,
    description: 'both attempts of cart.setItem to finish in their handlers',
  });
  await expect(caller.call(getCart, { sessionId })).resolves.toEqual({
    items: [{ bookId: 'b3', quantity: 2 }],
  });
});
