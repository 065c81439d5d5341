// A session's whole life through a real bus caller that follows the cart family's ring, against real RabbitMQ
// and Redis, on two cart nodes, under each sharing strategy (both datasets shared alike).
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
import type { SharingStrategy } from '@trellis/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CartCluster } from './support/cart-cluster';
import { startCartCluster } from './support/cart-cluster';

const nodes = ['cart-a', 'cart-b'] as const;
const strategies: readonly SharingStrategy[] = ['nothing', 'something', 'everything'];

describe.each(strategies)('sharing %s', (strategy) => {
  let cluster: CartCluster;
  beforeAll(async () => {
    cluster = await startCartCluster(`cart-journey-${strategy}`, nodes, {
      sessions: strategy,
      carts: strategy,
    });
  });
  afterAll(async () => {
    if (cluster === undefined) return;
    const handled = Object.fromEntries(
      nodes.map((nodeId) => {
        const counts = cluster.busOf(nodeId).metrics;
        const names = ['sessions.login', 'sessions.get', 'sessions.logout', 'cart.get', 'cart.setItem'];
        return [nodeId, names.reduce((sum, name) => sum + counts.count(name, 'handled'), 0)];
      }),
    );
    process.stdout.write(`${JSON.stringify({ test: 'session journey', sharing: strategy, handled })}\n`);
    await cluster.close();
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
    const both = {
      items: [
        { bookId: 'b1', quantity: 2 },
        { bookId: 'b2', quantity: 1 },
      ],
    };
    await expect(caller.call(setCartItem, { sessionId, bookId: 'b2', quantity: 1 })).resolves.toEqual(both);
    await expect(caller.call(getCart, { sessionId })).resolves.toEqual(both);

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
      () => caller.call(removeCartItem, { sessionId, bookId: 'b2' }),
    ];
    for (const call of afterLogout) {
      await expect(call()).rejects.toMatchObject({ code: BookshopErrors.unknownSession.code, status: 401 });
    }
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

  it('serves sessions owned by either node, each on its owner', async () => {
    const { caller } = cluster;
    // Sessions until each node owns one (about half the ids each; 64 tries cannot all miss in practice).
    const owned = new Map<string, string>();
    for (let attempt = 0; attempt < 64 && owned.size < nodes.length; attempt += 1) {
      const sessionId = randomUUID();
      const owner = cluster.ownerOf(sessionId);
      if (!owned.has(owner)) owned.set(owner, sessionId);
    }
    expect([...owned.keys()].sort()).toEqual([...nodes]);

    for (const [owner, sessionId] of owned) {
      const handledBefore = cluster.busOf(owner).metrics.count('cart.setItem', 'handled');
      await caller.call(login, { sessionId, userId: owner });
      await expect(caller.call(setCartItem, { sessionId, bookId: 'b2', quantity: 4 })).resolves.toEqual({
        items: [{ bookId: 'b2', quantity: 4 }],
      });
      expect(cluster.busOf(owner).metrics.count('cart.setItem', 'handled') - handledBefore).toBe(1);
    }
  });
});
