// Two cart nodes on one ring. Under share-something only a session's owner serves it: the other node refuses
// with data.not_owner (the caller follows the ring, so that is what a call routed by an older ring meets).
// Under share-everything either node serves it and each sees, once replicated, what the other wrote.
import { randomUUID } from 'node:crypto';
import type { CallContract, ReplyOf, RequestOf } from '@trellis/contracts';
import {
  BookshopErrors,
  getCart,
  getSession,
  login,
  logout,
  removeCartItem,
  setCartItem,
} from '@trellis/contracts';
import { DataErrors } from '@trellis/data';
import { waitFor } from '@trellis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CartCluster } from './support/cart-cluster';
import { startCartCluster } from './support/cart-cluster';

const nodes = ['cart-a', 'cart-b'] as const;
const notOwner = { code: DataErrors.notOwner.code, status: 503, retryable: true };

function handledBy(cluster: CartCluster, nodeId: string, contractName: string): number {
  return cluster.busOf(nodeId).metrics.count(contractName, 'handled');
}

/** One session id owned by each node (about half the ids each; 64 tries cannot all miss in practice). */
function sessionPerOwner(cluster: CartCluster): Map<string, string> {
  const owned = new Map<string, string>();
  for (let attempt = 0; attempt < 64 && owned.size < nodes.length; attempt += 1) {
    const sessionId = randomUUID();
    const owner = cluster.ownerOf(sessionId);
    if (!owned.has(owner)) owned.set(owner, sessionId);
  }
  expect([...owned.keys()].sort()).toEqual([...nodes]);
  return owned;
}

/** Calls `nodeId` alone, then follows the ring again. */
async function callAt<C extends CallContract>(
  cluster: CartCluster,
  nodeId: string,
  contract: C,
  request: RequestOf<C>,
): Promise<ReplyOf<C>> {
  cluster.aimAt(nodeId);
  try {
    return await cluster.caller.call(contract, request);
  } finally {
    cluster.aimAt(undefined);
  }
}

/** Polls `nodeId` with the call until its reply (or refusal code) is `expected` (replication is asynchronous). */
async function eventuallyAt<C extends CallContract>(
  cluster: CartCluster,
  nodeId: string,
  contract: C,
  request: RequestOf<C>,
  expected: unknown,
): Promise<void> {
  const shown = JSON.stringify(expected);
  await waitFor(
    async () => {
      const outcome = await callAt(cluster, nodeId, contract, request).then(
        (reply) => JSON.stringify(reply),
        (error: unknown) => JSON.stringify({ code: (error as { code?: string }).code }),
      );
      return outcome === shown;
    },
    { timeoutMs: 10_000, description: `${nodeId} to answer ${contract.name} with ${shown}` },
  );
}

describe('share-something: sessions and carts on their owner and one replica', () => {
  let cluster: CartCluster;
  beforeAll(async () => {
    cluster = await startCartCluster('cart-two-nodes-something', nodes, {
      sessions: 'something',
      carts: 'something',
    });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('serves a session on its owner, and refuses every call of it on the other node with data.not_owner', async () => {
    const figures: Record<string, unknown>[] = [];
    for (const [owner, sessionId] of sessionPerOwner(cluster)) {
      const other = cluster.nonOwnerOf(sessionId);
      const session = await cluster.caller.call(login, { sessionId, userId: 'ada' });
      await cluster.caller.call(setCartItem, { sessionId, bookId: 'b1', quantity: 2 });
      const cart = { items: [{ bookId: 'b1', quantity: 2 }] };
      const names = [
        'sessions.login',
        'sessions.get',
        'sessions.logout',
        'cart.get',
        'cart.setItem',
        'cart.removeItem',
      ];
      const handledBefore = names.map((name) => handledBy(cluster, other, name));
      const retriedBefore = cluster.caller.metrics.count('sessions.get', 'retried');

      const refused = [
        () => callAt(cluster, other, getSession, { sessionId }),
        () => callAt(cluster, other, login, { sessionId, userId: 'ada' }),
        () => callAt(cluster, other, getCart, { sessionId }),
        () => callAt(cluster, other, setCartItem, { sessionId, bookId: 'b2', quantity: 1 }),
        () => callAt(cluster, other, removeCartItem, { sessionId, bookId: 'b1' }),
        () => callAt(cluster, other, logout, { sessionId }),
      ];
      for (const call of refused) await expect(call()).rejects.toMatchObject(notOwner);
      expect(names.map((name) => handledBy(cluster, other, name))).toEqual(handledBefore);

      // The owner serves it, untouched by the refused calls (the refused logout ended nothing).
      await expect(callAt(cluster, owner, getSession, { sessionId })).resolves.toEqual(session);
      await expect(callAt(cluster, owner, getCart, { sessionId })).resolves.toEqual(cart);
      await expect(cluster.caller.call(getCart, { sessionId })).resolves.toEqual(cart);
      figures.push({
        owner,
        refusedOn: other,
        refusals: refused.length,
        sessionsGetAttempts: cluster.caller.metrics.count('sessions.get', 'retried') - retriedBefore + 1,
      });
    }
    process.stdout.write(`${JSON.stringify({ test: 'non-owner refuses under share-something', figures })}\n`);
  });
});

describe('share-everything for sessions, share-something for carts (as the blueprint ships)', () => {
  let cluster: CartCluster;
  beforeAll(async () => {
    cluster = await startCartCluster('cart-two-nodes-mixed', nodes, {
      sessions: 'everything',
      carts: 'something',
    });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('serves the session on either node, and its cart on the owner only', async () => {
    const sessionId = randomUUID();
    const owner = cluster.ownerOf(sessionId);
    const other = cluster.nonOwnerOf(sessionId);
    const session = await cluster.caller.call(login, { sessionId, userId: 'ada' });
    await cluster.caller.call(setCartItem, { sessionId, bookId: 'b3', quantity: 1 });

    await eventuallyAt(cluster, other, getSession, { sessionId }, session);
    await expect(callAt(cluster, other, getCart, { sessionId })).rejects.toMatchObject(notOwner);
    // The session check passes on the other node; the cart's write is what it refuses.
    await expect(
      callAt(cluster, other, setCartItem, { sessionId, bookId: 'b1', quantity: 1 }),
    ).rejects.toMatchObject(notOwner);
    await expect(callAt(cluster, owner, getCart, { sessionId })).resolves.toEqual({
      items: [{ bookId: 'b3', quantity: 1 }],
    });
  });
});

describe('share-everything: sessions and carts on every node', () => {
  let cluster: CartCluster;
  beforeAll(async () => {
    cluster = await startCartCluster('cart-two-nodes-everything', nodes, {
      sessions: 'everything',
      carts: 'everything',
    });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('serves one session from either node, each call seeing what the other node wrote', async () => {
    const sessionId = randomUUID();
    const writes = ['sessions.login', 'sessions.logout', 'cart.setItem', 'cart.removeItem'];
    const writesBefore = nodes.map((nodeId) => writes.map((name) => handledBy(cluster, nodeId, name)));

    const session = await callAt(cluster, 'cart-a', login, { sessionId, userId: 'ada' });
    await eventuallyAt(cluster, 'cart-b', getSession, { sessionId }, session);
    await callAt(cluster, 'cart-b', setCartItem, { sessionId, bookId: 'b1', quantity: 2 });
    await eventuallyAt(cluster, 'cart-a', getCart, { sessionId }, { items: [{ bookId: 'b1', quantity: 2 }] });
    await expect(
      callAt(cluster, 'cart-a', setCartItem, { sessionId, bookId: 'b2', quantity: 1 }),
    ).resolves.toEqual({
      items: [
        { bookId: 'b1', quantity: 2 },
        { bookId: 'b2', quantity: 1 },
      ],
    });
    await eventuallyAt(
      cluster,
      'cart-b',
      getCart,
      { sessionId },
      {
        items: [
          { bookId: 'b1', quantity: 2 },
          { bookId: 'b2', quantity: 1 },
        ],
      },
    );
    await callAt(cluster, 'cart-a', removeCartItem, { sessionId, bookId: 'b1' });
    await eventuallyAt(cluster, 'cart-b', getCart, { sessionId }, { items: [{ bookId: 'b2', quantity: 1 }] });
    await callAt(cluster, 'cart-a', logout, { sessionId });
    for (const nodeId of nodes) {
      await eventuallyAt(
        cluster,
        nodeId,
        getCart,
        { sessionId },
        { code: BookshopErrors.unknownSession.code },
      );
    }

    // The writes were split between the nodes as aimed (reads were polled, so they are not counted exactly).
    const split = nodes.map((nodeId, index) =>
      writes
        .map((name, at) => `${name}=${handledBy(cluster, nodeId, name) - (writesBefore[index]?.[at] ?? 0)}`)
        .join(' '),
    );
    expect(split).toEqual([
      'sessions.login=1 sessions.logout=1 cart.setItem=1 cart.removeItem=1',
      'sessions.login=0 sessions.logout=0 cart.setItem=1 cart.removeItem=0',
    ]);
  });

  it('loses no book when both nodes change the same cart at the same time, and both come to show one cart', async () => {
    const sessionId = randomUUID();
    const session = await cluster.caller.call(login, { sessionId, userId: 'bob' });
    for (const nodeId of nodes) await eventuallyAt(cluster, nodeId, getSession, { sessionId }, session);

    // Each book set ten times, half through each node, all at once: the updates of one cart race across nodes.
    const calls: Promise<unknown>[] = [];
    for (let round = 0; round < 10; round += 1) {
      for (const bookId of ['b1', 'b2', 'b3']) {
        cluster.aimAt(nodes[round % 2]);
        calls.push(cluster.caller.call(setCartItem, { sessionId, bookId, quantity: round + 1 }));
      }
    }
    cluster.aimAt(undefined);
    await Promise.all(calls);

    const startedAt = performance.now();
    const carts = await waitFor(
      async () => {
        const seen = await Promise.all(
          nodes.map((nodeId) => callAt(cluster, nodeId, getCart, { sessionId })),
        );
        const [first, second] = seen.map((cart) => JSON.stringify(cart));
        return first === second && seen;
      },
      { timeoutMs: 10_000, description: 'both nodes to show the same cart' },
    );
    const cart = carts[0];
    expect(cart?.items.map((item) => item.bookId)).toEqual(['b1', 'b2', 'b3']);
    expect(cart?.items.every((item) => item.quantity >= 1 && item.quantity <= 10)).toBe(true);
    process.stdout.write(
      `${JSON.stringify({ test: 'concurrent sets on both nodes', sets: calls.length, cart, convergedAfterMs: Math.round(performance.now() - startedAt) })}\n`,
    );
  });
});
