// Share-something carts (N = 2, W = 2) and share-everything sessions on cart node processes while a stream of
// writes runs: a fourth node joins (about 1/N of the partitions move), one node leaves gracefully, another is
// killed. Every acknowledged write must be in the final carts, and a node that no longer owns a key must
// refuse writes to it with data.not_owner, however the caller routed them.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '@trellis/bus';
import { TrellisError, getCart, login, setCartItem } from '@trellis/contracts';
import type { RingState } from '@trellis/ring';
import { partitionOf, partitionsMoved } from '@trellis/ring';
import { waitFor } from '@trellis/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { CartFamilyHarness } from './support/cart-family-harness';
import { startCartFamilyHarness } from './support/cart-family-harness';

const partitionCount = 64;
const settings = {
  DATASET_SESSIONS_SHARING: 'everything',
  DATASET_CARTS_SHARING: 'something',
  DATASET_CARTS_REPLICAS: '2',
  DATASET_CARTS_WRITE_ACKS: '2',
  RING_PARTITIONS: String(partitionCount),
};
const writers = 8;
/** Pause between one writer's writes: about 160 writes a second in all, carts of a few hundred lines. */
const paceMs = 40;
/** Bounds each writer however long the run takes. */
const maxWritesPerWriter = 2_000;

interface Write {
  readonly sessionId: string;
  readonly bookId: string;
  readonly quantity: number;
}

/** Writers setting distinct books in their sessions' carts through the ring; records what was acknowledged. */
class WriteStream {
  readonly acknowledged: Write[] = [];
  readonly failures = new Map<string, number>();
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly caller: Bus,
    sessionIds: readonly string[],
  ) {
    this.loops = sessionIds.map((sessionId) => this.write(sessionId));
  }

  /** Stops every writer after its write in flight and resolves once they all have. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async write(sessionId: string): Promise<void> {
    for (let n = 0; n < maxWritesPerWriter && this.running; n += 1) {
      const write = { sessionId, bookId: `book-${n}`, quantity: 1 + (n % 9) };
      try {
        await this.caller.call(setCartItem, write);
        this.acknowledged.push(write);
      } catch (error) {
        const code = error instanceof TrellisError ? error.code : String(error);
        this.failures.set(code, (this.failures.get(code) ?? 0) + 1);
      }
      await sleep(paceMs);
    }
  }
}

let harness: CartFamilyHarness;
const figures: string[] = [];
const startedAt = Date.now();

beforeAll(async () => {
  harness = await startCartFamilyHarness('join-and-leave');
  await Promise.all(['cart-1', 'cart-2', 'cart-3'].map((id) => harness.startNode(id, { env: settings })));
});

afterAll(async () => {
  const { redisKeysDeleted } = await harness.close();
  figures.push(`clean-up: vhost deleted, ${redisKeysDeleted} Redis keys deleted`);
  figures.push(`wall time: ${Date.now() - startedAt} ms`);
  process.stdout.write(`datasets: join and leave under traffic\n  ${figures.join('\n  ')}\n`);
});

const sameMembers = (ring: RingState | undefined, members: readonly string[]): boolean =>
  ring !== undefined && [...ring.members].sort().join() === [...members].sort().join();

/** Waits until the stored ring (as the observer last read it) has exactly `members`; resolves with it. */
function ringOf(members: readonly string[], timeoutMs = 15_000): Promise<RingState> {
  return waitFor(
    () => {
      const ring = harness.observer.current();
      return sameMembers(ring, members) ? ring : undefined;
    },
    { timeoutMs, intervalMs: 50, description: `a ring of ${members.join(', ')}` },
  );
}

/** Waits until every one of `nodeIds` answers ready (joined, partitions fetched). */
function allReady(nodeIds: readonly string[]): Promise<true> {
  return waitFor(
    async () => {
      const ready = await Promise.all(
        nodeIds.map(async (id) => (await harness.nodes.get(id)?.isReady()) ?? false),
      );
      return ready.every(Boolean) || undefined;
    },
    { timeoutMs: 30_000, description: `${nodeIds.join(', ')} to be ready` },
  );
}

const ownedBy = (ring: RingState, nodeId: string): number =>
  ring.owners.filter((owner) => owner === nodeId).length;

/**
 * Aims `cart.setItem` of `sessionId` at `nodeId` (not its owner) and resolves with the error code it was refused
 * with, or `accepted` when it was not refused.
 */
async function writeAimedAt(nodeId: string, sessionId: string, bookId: string): Promise<string> {
  const caller = await harness.callerAt(nodeId);
  try {
    await caller.call(setCartItem, { sessionId, bookId, quantity: 1 });
    return 'accepted';
  } catch (error) {
    return error instanceof TrellisError ? error.code : String(error);
  }
}

describe('share-something carts while nodes join, leave and die', () => {
  it('keeps every acknowledged write, moves about 1/N of the partitions on a join, and refuses stale owners', async () => {
    onTestFailed(() => {
      process.stderr.write(`node logs: ${harness.saveNodeOutputs('join-and-leave').join(', ')}\n`);
    });
    const caller = harness.ringCaller;
    await ringOf(['cart-1', 'cart-2', 'cart-3']);
    const sessionIds = Array.from({ length: writers }, () => randomUUID());
    for (const [i, sessionId] of sessionIds.entries()) {
      await caller.call(login, { sessionId, userId: `shopper-${i}` });
    }
    const probeSessionIds: string[] = [];
    const stream = new WriteStream(caller, sessionIds);
    const marks: string[] = [];
    const mark = (event: string): void => {
      marks.push(`${event} at ${stream.acknowledged.length} acknowledged`);
    };
    const moreAcknowledged = (count: number, when: string): Promise<true> => {
      const target = stream.acknowledged.length + count;
      return waitFor(() => stream.acknowledged.length >= target || undefined, {
        timeoutMs: 20_000,
        description: `${count} more acknowledged writes ${when}`,
      });
    };

    try {
      await moreAcknowledged(50, 'before the join');

      // Join: a fourth node takes about 1/4 of the partitions, each from a node that had more.
      const storedBeforeJoin = await harness.storedRing();
      mark('join');
      const joinStartedAt = Date.now();
      await harness.startNode('cart-4', { env: settings });
      const afterJoin = await ringOf(['cart-1', 'cart-2', 'cart-3', 'cart-4']);
      const storedAfterJoin = await harness.storedRing();
      await allReady(['cart-1', 'cart-2', 'cart-3', 'cart-4']);
      const joinReadyMs = Date.now() - joinStartedAt;
      if (storedBeforeJoin === undefined || storedAfterJoin === undefined) throw new Error('no stored ring');
      const movedOnJoin = partitionsMoved(storedBeforeJoin.owners, storedAfterJoin.owners);
      figures.push(
        `join of cart-4: stored epoch ${storedBeforeJoin.epoch} → ${storedAfterJoin.epoch}, ${movedOnJoin} of ` +
          `${partitionCount} partitions moved (1/N = ${partitionCount / 4}), cart-4 owns ` +
          `${ownedBy(storedAfterJoin, 'cart-4')}, all four ready ${joinReadyMs} ms after its start`,
      );
      // One commit: the join, and no member dropped meanwhile (which would move partitions of its own).
      expect(storedAfterJoin.epoch).toBe(storedBeforeJoin.epoch + 1);
      expect(storedAfterJoin).toEqual(afterJoin);
      expect(movedOnJoin).toBeGreaterThan(0);
      expect(movedOnJoin).toBeLessThanOrEqual(Math.ceil(partitionCount / 4) + 2);
      expect(ownedBy(afterJoin, 'cart-4')).toBe(movedOnJoin);

      // Stale epoch: keys whose owner changed, written at their old owner, and every writer's key written at
      // each node that is not its owner now. A non-owner must refuse every one of them.
      const probes: Array<{ sessionId: string; staleOwner: string }> = [];
      for (let tries = 0; probes.length < 4 && tries < 10_000; tries += 1) {
        const sessionId = randomUUID();
        const partition = partitionOf(sessionId, partitionCount);
        const oldOwner = storedBeforeJoin.owners[partition];
        if (oldOwner !== undefined && oldOwner !== afterJoin.owners[partition]) {
          probes.push({ sessionId, staleOwner: oldOwner });
        }
      }
      expect(probes).toHaveLength(4);
      for (const probe of probes) {
        await caller.call(login, { sessionId: probe.sessionId, userId: 'prober' });
        probeSessionIds.push(probe.sessionId);
      }
      const aimed = [
        ...probes.map(({ sessionId, staleOwner }) => ({ sessionId, nodeId: staleOwner })),
        ...sessionIds.flatMap((sessionId) => {
          const owner = afterJoin.owners[partitionOf(sessionId, partitionCount)];
          return afterJoin.members.filter((node) => node !== owner).map((nodeId) => ({ sessionId, nodeId }));
        }),
      ];
      const outcomes = await Promise.all(
        aimed.map(({ sessionId, nodeId }, i) => writeAimedAt(nodeId, sessionId, `stale-${i}`)),
      );
      const acceptedByNonOwners = outcomes.filter((code) => code === 'accepted').length;
      const refusedNotOwner = outcomes.filter((code) => code === 'data.not_owner').length;
      figures.push(
        `writes aimed at non-owners after the join: ${aimed.length} (${probes.length} at the old owner of a moved key), ` +
          `${refusedNotOwner} refused with data.not_owner, ${acceptedByNonOwners} accepted`,
      );
      expect(acceptedByNonOwners).toBe(0);
      expect(outcomes.every((code) => code === 'data.not_owner')).toBe(true);

      // Leave: cart-2 stops gracefully; only its partitions move, to the nodes that stay.
      mark('leave');
      const leaveStartedAt = Date.now();
      const leaveExit = await harness.nodes.get('cart-2')?.terminate();
      const afterLeave = await ringOf(['cart-1', 'cart-3', 'cart-4']);
      const movedOnLeave = partitionsMoved(afterJoin.owners, afterLeave.owners);
      figures.push(
        `leave of cart-2 (SIGTERM, exit code ${String(leaveExit?.code)}): epoch ${afterJoin.epoch} → ${afterLeave.epoch}, ` +
          `${movedOnLeave} partitions moved, stopped in ${Date.now() - leaveStartedAt} ms`,
      );
      expect(leaveExit?.code).toBe(0);
      expect(movedOnLeave).toBe(ownedBy(afterJoin, 'cart-2'));
      await allReady(['cart-1', 'cart-3', 'cart-4']);
      await moreAcknowledged(100, 'after the leave');

      // Crash: cart-3 is killed; the others drop it once its heartbeat expires.
      mark('kill');
      const killedAt = Date.now();
      await harness.nodes.get('cart-3')?.kill();
      const afterKill = await ringOf(['cart-1', 'cart-4']);
      const droppedAfterMs = Date.now() - killedAt;
      const movedOnKill = partitionsMoved(afterLeave.owners, afterKill.owners);
      figures.push(
        `kill of cart-3 (SIGKILL): dropped from the ring after ${droppedAfterMs} ms, epoch ${afterLeave.epoch} → ` +
          `${afterKill.epoch}, ${movedOnKill} partitions moved`,
      );
      expect(movedOnKill).toBe(ownedBy(afterLeave, 'cart-3'));
      await allReady(['cart-1', 'cart-4']);
      await moreAcknowledged(100, 'by the two nodes left');
    } finally {
      mark('stop');
      await stream.stop();
    }

    // Every acknowledged write must be in the final carts, read through the ring.
    const finalCarts = new Map<string, Map<string, number>>();
    for (const sessionId of [...sessionIds, ...probeSessionIds]) {
      const cart = await waitFor(() => caller.call(getCart, { sessionId }), {
        timeoutMs: 10_000,
        description: `the final cart of ${sessionId}`,
      });
      finalCarts.set(sessionId, new Map(cart.items.map((line) => [line.bookId, line.quantity])));
    }
    const lost = stream.acknowledged.filter(
      (write) => finalCarts.get(write.sessionId)?.get(write.bookId) !== write.quantity,
    );
    const acknowledgedKeys = new Set(
      stream.acknowledged.map((write) => `${write.sessionId}/${write.bookId}`),
    );
    const unacknowledgedLines = [...finalCarts].reduce(
      (sum, [sessionId, cart]) =>
        sum + [...cart.keys()].filter((bookId) => !acknowledgedKeys.has(`${sessionId}/${bookId}`)).length,
      0,
    );
    const staleLines = [...finalCarts.values()].flatMap((cart) =>
      [...cart.keys()].filter((bookId) => bookId.startsWith('stale-')),
    );
    const failures = [...stream.failures].map(([code, count]) => `${code} ×${count}`).join(', ') || 'none';
    figures.push(`acknowledged marks: ${marks.join('; ')}`);
    figures.push(
      `writes: ${stream.acknowledged.length} acknowledged, ${lost.length} lost, ` +
        `${unacknowledgedLines} present without acknowledgement, failed: ${failures}; ` +
        `bus retries of cart.setItem: ${caller.metrics.count('cart.setItem', 'retried')}, ` +
        `attempts timed out: ${caller.metrics.count('cart.setItem', 'timedOut')}`,
    );
    // None lost; on failure the first ten are shown rather than a thousand-line diff.
    expect(lost.slice(0, 10)).toEqual([]);
    expect(staleLines).toEqual([]);
  });
});
