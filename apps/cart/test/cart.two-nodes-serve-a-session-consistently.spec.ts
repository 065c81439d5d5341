// Two cart nodes, no ring yet: whichever node a call of a session reaches, it sees the same session and cart.
import { randomUUID } from 'node:crypto';
import {
  getCart,
  getSession,
  login,
  logout,
  removeCartItem,
  setCartItem,
  BookshopErrors,
} from '@trellis/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CartCluster } from './support/cart-cluster';
import { startCartCluster } from './support/cart-cluster';

const nodes = ['cart-a', 'cart-b'] as const;
let cluster: CartCluster;
beforeAll(async () => {
  cluster = await startCartCluster('cart-two-nodes', nodes);
});
afterAll(async () => {
  await cluster?.close();
});

function handledBy(nodeId: string, contractName: string): number {
  return cluster.busOf(nodeId).metrics.count(contractName, 'handled');
}

it('serves one session from either node, each call seeing what the other node wrote', async () => {
  const { caller } = cluster;
  const sessionId = randomUUID();

  cluster.aimAt('cart-a');
  const session = await caller.call(login, { sessionId, userId: 'ada' });
  cluster.aimAt('cart-b');
  await expect(caller.call(getSession, { sessionId })).resolves.toEqual(session);
  await caller.call(setCartItem, { sessionId, bookId: 'b1', quantity: 2 });
  cluster.aimAt('cart-a');
  await caller.call(setCartItem, { sessionId, bookId: 'b2', quantity: 1 });
  cluster.aimAt('cart-b');
  await expect(caller.call(getCart, { sessionId })).resolves.toEqual({
    items: [
      { bookId: 'b1', quantity: 2 },
      { bookId: 'b2', quantity: 1 },
    ],
  });
  cluster.aimAt('cart-a');
  await caller.call(removeCartItem, { sessionId, bookId: 'b1' });
  cluster.aimAt('cart-b');
  await expect(caller.call(getCart, { sessionId })).resolves.toEqual({
    items: [{ bookId: 'b2', quantity: 1 }],
  });
  cluster.aimAt('cart-a');
  await caller.call(logout, { sessionId });
  cluster.aimAt('cart-b');
  await expect(caller.call(getCart, { sessionId })).rejects.toMatchObject({
    code: BookshopErrors.unknownSession.code,
  });

  // The calls really were split between the nodes as aimed (this is the file's first test: counts are exact;
  // the bus counts a call as handled when it replied with a value, so the refused cart.get is not in them).
  const served = (nodeId: string) =>
    ['sessions.login', 'sessions.get', 'sessions.logout', 'cart.get', 'cart.setItem', 'cart.removeItem']
      .map((name) => `${name}=${handledBy(nodeId, name)}`)
      .join(' ');
  expect(served('cart-a')).toBe(
    'sessions.login=1 sessions.get=0 sessions.logout=1 cart.get=0 cart.setItem=1 cart.removeItem=1',
  );
  expect(served('cart-b')).toBe(
    'sessions.login=0 sessions.get=1 sessions.logout=0 cart.get=2 cart.setItem=1 cart.removeItem=0',
  );
});

it('loses no book when both nodes change the same cart at the same time', async () => {
  const { caller } = cluster;
  const sessionId = randomUUID();
  cluster.aimAt(undefined);
  await caller.call(login, { sessionId, userId: 'bob' });

  // Each book set ten times, half through each node, all at once: the updates of one cart race across nodes.
  const calls: Promise<unknown>[] = [];
  for (let round = 0; round < 10; round += 1) {
    for (const bookId of ['b1', 'b2', 'b3']) {
      cluster.aimAt(nodes[round % 2]);
      calls.push(caller.call(setCartItem, { sessionId, bookId, quantity: round + 1 }));
    }
  }
  await Promise.all(calls);

  const cart = await caller.call(getCart, { sessionId });
  expect(cart.items.map((item) => item.bookId).sort()).toEqual(['b1', 'b2', 'b3']);
  expect(cart.items.every((item) => item.quantity >= 1 && item.quantity <= 10)).toBe(true);
});
