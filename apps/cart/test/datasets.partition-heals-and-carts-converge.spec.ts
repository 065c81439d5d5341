// Share-everything under a real partition: two cart node processes, node B's replication link (its data bus)
// runs through a TCP proxy the test cuts. Both sides keep accepting writes to one cart during the cut, each
// sees only its own, and once the link heals both converge on the add-wins cart: every acknowledged add is
// there, and a quantity set concurrent with a remove keeps the book.
import { randomUUID } from 'node:crypto';
import type { Bus } from '@trellis/bus';
import type { ReplyOf } from '@trellis/contracts';
import { getCart, getSession, login, removeCartItem, setCartItem } from '@trellis/contracts';
import { waitFor } from '@trellis/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { CartFamilyHarness } from './support/cart-family-harness';
import { startCartFamilyHarness } from './support/cart-family-harness';
import { TcpCut } from './support/tcp-cut';

type CartView = ReplyOf<typeof getCart>;
type Line = CartView['items'][number];

const everything = { DATASET_SESSIONS_SHARING: 'everything', DATASET_CARTS_SHARING: 'everything' };
const sideA = Array.from({ length: 10 }, (_, i) => ({ bookId: `a${i + 1}`, quantity: 1 + (i % 3) }));
const sideB = Array.from({ length: 10 }, (_, i) => ({ bookId: `b${i + 1}`, quantity: 1 + (i % 4) }));

const sorted = (lines: readonly Line[]): Line[] =>
  [...lines]
    .map(({ bookId, quantity }) => ({ bookId, quantity }))
    .sort((x, y) => (x.bookId < y.bookId ? -1 : x.bookId > y.bookId ? 1 : 0));

let harness: CartFamilyHarness;
let proxy: TcpCut;
const figures: string[] = [];
const startedAt = Date.now();

beforeAll(async () => {
  harness = await startCartFamilyHarness('partition-heals');
  proxy = await TcpCut.open({ host: '127.0.0.1', port: 5672 });
  await Promise.all([
    harness.startNode('cart-a', { env: everything }),
    harness.startNode('cart-b', { env: everything, dataAmqpUrl: proxy.proxiedUrl(harness.vhost.url) }),
  ]);
});

afterAll(async () => {
  await proxy.close();
  const { redisKeysDeleted } = await harness.close();
  figures.push(`clean-up: vhost deleted, ${redisKeysDeleted} Redis keys deleted`);
  figures.push(`wall time: ${Date.now() - startedAt} ms`);
  process.stdout.write(`datasets: partition heals and carts converge\n  ${figures.join('\n  ')}\n`);
});

describe('share-everything carts across a cut replication link', () => {
  it('keeps both sides writable during the cut and converges on the add-wins cart after it heals', async () => {
    onTestFailed(() => {
      process.stderr.write(`node logs: ${harness.saveNodeOutputs('partition-heals').join(', ')}\n`);
    });
    await waitFor(() => harness.observer.current()?.members.length === 2, {
      timeoutMs: 10_000,
      description: 'a ring of cart-a and cart-b',
    });
    const atA = await harness.callerAt('cart-a');
    const atB = await harness.callerAt('cart-b');
    const cartOn = async (caller: Bus, sessionId: string): Promise<Line[]> =>
      sorted((await caller.call(getCart, { sessionId })).items);

    const sessionId = randomUUID();
    await atA.call(login, { sessionId, userId: 'shopper-1' });
    await waitFor(() => atB.call(getSession, { sessionId }).then(() => true), {
      timeoutMs: 10_000,
      description: 'the session to reach cart-b',
    });
    await atA.call(setCartItem, { sessionId, bookId: 'base', quantity: 1 });
    await waitFor(async () => (await cartOn(atB, sessionId)).some((line) => line.bookId === 'base'), {
      timeoutMs: 10_000,
      description: '`base` to reach cart-b',
    });
    // B's replication really runs through the proxy, so the cut below partitions it.
    expect(proxy.openConnections).toBeGreaterThan(0);

    proxy.cut();
    expect(proxy.openConnections).toBe(0);
    const acknowledged = { a: 0, b: 0 };
    await Promise.all([
      (async () => {
        await atA.call(removeCartItem, { sessionId, bookId: 'base' });
        acknowledged.a += 1;
        for (const line of sideA) {
          await atA.call(setCartItem, { sessionId, ...line });
          acknowledged.a += 1;
        }
      })(),
      (async () => {
        await atB.call(setCartItem, { sessionId, bookId: 'base', quantity: 3 });
        acknowledged.b += 1;
        for (const line of sideB) {
          await atB.call(setCartItem, { sessionId, ...line });
          acknowledged.b += 1;
        }
      })(),
    ]);
    // Anti-entropy runs every 500 ms: give it a few rounds to cross the cut, which it must not.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const duringA = await cartOn(atA, sessionId);
    const duringB = await cartOn(atB, sessionId);
    figures.push(
      `during the cut: ${acknowledged.a} writes acknowledged on cart-a, ${acknowledged.b} on cart-b; ` +
        `cart-a sees ${duringA.length} lines, cart-b ${duringB.length}; data-link connections refused: ${proxy.counts().refused}`,
    );
    expect(duringA).toEqual(sorted(sideA));
    expect(duringB).toEqual(sorted([{ bookId: 'base', quantity: 3 }, ...sideB]));

    const healedAt = Date.now();
    proxy.heal();
    const converged = await waitFor(
      async () => {
        const [onA, onB] = await Promise.all([cartOn(atA, sessionId), cartOn(atB, sessionId)]);
        return JSON.stringify(onA) === JSON.stringify(onB) ? onA : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50, description: 'cart-a and cart-b to show the same cart' },
    );
    const convergenceMs = Date.now() - healedAt;
    figures.push(
      `converged ${convergenceMs} ms after the heal on ${converged.length} lines ` +
        `(data-link connections through the proxy: ${proxy.counts().forwarded})`,
    );
    // Add wins: every acknowledged add is there, and B's set of `base` survives A's concurrent remove.
    expect(converged).toEqual(sorted([{ bookId: 'base', quantity: 3 }, ...sideA, ...sideB]));
  });
});
