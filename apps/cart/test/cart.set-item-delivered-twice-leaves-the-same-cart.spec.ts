// At-least-once means a cart.setItem may run twice; setting (not adding) a quantity makes that harmless, whether
// both deliveries reach the session's owner (share-something: only the owner serves it) or one reaches each
// node (share-everything: any node serves it, and the two writes merge).
import { randomUUID } from 'node:crypto';
import { getCart, login, setCartItem } from '@trellis/contracts';
import type { SharingStrategy } from '@trellis/data';
import { waitFor } from '@trellis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CartCluster } from './support/cart-cluster';
import { startCartCluster } from './support/cart-cluster';

const nodes = ['cart-a', 'cart-b'] as const;
const strategies: readonly SharingStrategy[] = ['something', 'everything'];

describe.each(strategies)('sharing %s', (strategy) => {
  let cluster: CartCluster;
  beforeAll(async () => {
    cluster = await startCartCluster(`cart-set-twice-${strategy}`, nodes, {
      sessions: strategy,
      carts: strategy,
    });
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

  /** Polls `nodeId` until it shows `cart` for the session (share-everything replicates after the reply). */
  async function cartOn(nodeId: string, sessionId: string, cart: unknown): Promise<void> {
    cluster.aimAt(nodeId);
    try {
      await waitFor(
        async () =>
          JSON.stringify(await cluster.caller.call(getCart, { sessionId })) === JSON.stringify(cart),
        { timeoutMs: 10_000, description: `${nodeId} to show the cart ${JSON.stringify(cart)}` },
      );
    } finally {
      cluster.aimAt(undefined);
    }
  }

  it('leaves the same cart when the same setItem is delivered twice at once', async () => {
    const { caller } = cluster;
    const sessionId = randomUUID();
    await caller.call(login, { sessionId, userId: 'ada' });
    await caller.call(setCartItem, { sessionId, bookId: 'b1', quantity: 1 });
    const owner = cluster.ownerOf(sessionId);
    // Share-something: a duplicate reaches the owner again (the non-owner would refuse it). Share-everything:
    // the two deliveries land on different nodes, each of which must first hold the cart as it was.
    const targets = strategy === 'everything' ? [owner, cluster.nonOwnerOf(sessionId)] : [owner, owner];
    for (const nodeId of targets) await cartOn(nodeId, sessionId, { items: [{ bookId: 'b1', quantity: 1 }] });
    const handledBefore = setItemsHandled();

    const request = { sessionId, bookId: 'b2', quantity: 3 };
    const replies = await Promise.all(
      targets.map((nodeId) => {
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
    expect(setItemsHandled() - handledBefore).toBe(2);
    await expect(caller.call(getCart, { sessionId })).resolves.toEqual(once);
    // Both nodes come to show it: the owner's replica under share-something is no concern of the caller's.
    if (strategy === 'everything') for (const nodeId of nodes) await cartOn(nodeId, sessionId, once);
  });

  it('leaves the same cart when the caller retries a setItem whose first attempt still ran', async () => {
    const { caller } = cluster;
    const sessionId = randomUUID();
    await caller.call(login, { sessionId, userId: 'bob' });
    const handledBefore = setItemsHandled();
    const retriedBefore = caller.metrics.count('cart.setItem', 'retried');

    // The catalogue stalls, so the first attempt outlives its timeout and the caller sends a second one (to the
    // owner again, following the ring); once both attempts are in their handlers the catalogue answers and both
    // write the cart.
    const catalog = cluster.holdCatalog();
    const reply = caller.call(setCartItem, { sessionId, bookId: 'b3', quantity: 2 });
    await waitFor(() => caller.metrics.count('cart.setItem', 'retried') > retriedBefore, {
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
    process.stdout.write(
      `${JSON.stringify({ test: 'setItem retried while its first attempt ran', sharing: strategy, attemptsHandled: setItemsHandled() - handledBefore })}\n`,
    );
  });
});
