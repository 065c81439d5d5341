// Ring membership against the real local Redis, several members in one process with short heartbeats, under
// a random prefix per file (deleted afterwards). Figures are printed once at the end.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Owners, RingState } from '../src';
import { Membership, RingStore, partitionsMoved } from '../src';

const redisUrl = 'redis://127.0.0.1:6379';
const partitionCount = 64;
const deadAfterMs = 600;
const heartbeatEveryMs = 150;

let prefix: string;
let raw: Redis;
const running: Membership[] = [];
const figures: string[] = [];

beforeAll(() => {
  prefix = `trellis-test-ring-${randomUUID()}`;
  raw = new Redis(redisUrl);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((member) => member.leave().catch(() => undefined)));
});

afterAll(async () => {
  const keys = await raw.keys(`${prefix}:*`);
  if (keys.length > 0) await raw.del(...keys);
  raw.disconnect();
  process.stdout.write(`ring membership figures\n${figures.join('\n')}\n`);
});

/** How long a member's heartbeat lives, and how often it renews it (and refreshes its ring). */
interface Timing {
  readonly deadAfterMs: number;
  readonly heartbeatEveryMs: number;
}

function member(
  family: string,
  nodeId: string,
  timing: Timing = { deadAfterMs, heartbeatEveryMs },
): Membership {
  const membership = new Membership({
    url: redisUrl,
    prefix,
    family,
    nodeId,
    partitionCount,
    ...timing,
  });
  running.push(membership);
  return membership;
}

/** Polls until `check` holds or the deadline passes (then fails with `what`). */
async function eventually(what: string, check: () => boolean, deadlineMs = 5_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not within ${deadlineMs} ms: ${what}`);
    await delay(20);
  }
}

const ownedBy = (owners: Owners, node: string): number => owners.filter((owner) => owner === node).length;

function converged(members: Membership[], expected: string[]): RingState | undefined {
  const rings = members.map((m) => m.current());
  const first = rings[0];
  if (first === undefined) return undefined;
  const same = rings.every(
    (ring) => ring?.epoch === first.epoch && JSON.stringify(ring.owners) === JSON.stringify(first.owners),
  );
  return same && JSON.stringify(first.members) === JSON.stringify(expected) ? first : undefined;
}

describe('membership', () => {
  it('three members that join at once converge on one ring and one epoch, the stored one', async () => {
    const family = 'converge';
    const members = ['a', 'b', 'c'].map((id) => member(family, id));
    await Promise.all(members.map((m) => m.join()));
    await eventually('all three on one ring', () => converged(members, ['a', 'b', 'c']) !== undefined);
    const ring = converged(members, ['a', 'b', 'c']);
    const stored = await new RingStore(raw, prefix, family).read();
    expect(stored).toEqual(ring);
    for (const id of ['a', 'b', 'c']) expect(ownedBy(stored?.owners ?? [], id)).toBeGreaterThanOrEqual(21);
    expect(members[0]?.preferenceList('cart-42', 3)).toHaveLength(3);
    expect(members[1]?.preferenceList('cart-42', 3)).toEqual(members[0]?.preferenceList('cart-42', 3));
    figures.push(
      `converge: 3 members at epoch ${stored?.epoch}, loads ${['a', 'b', 'c'].map((id) => ownedBy(stored?.owners ?? [], id)).join('/')}`,
    );
  });

  it('declares a member that stops heart-beating dead after the TTL and moves only its partitions', async () => {
    const family = 'dead';
    const [a, b, c] = ['a', 'b', 'c'].map((id) => member(family, id)) as [Membership, Membership, Membership];
    for (const m of [a, b, c]) await m.join();
    await eventually('three on one ring', () => converged([a, b, c], ['a', 'b', 'c']) !== undefined);
    const before = a.current() as RingState;
    const stoppedAt = Date.now();
    c.abandon();
    running.splice(running.indexOf(c), 1);
    await eventually('c declared dead', () => converged([a, b], ['a', 'b']) !== undefined, 3_000);
    const detectedMs = Date.now() - stoppedAt;
    const after = a.current() as RingState;
    const cHad = ownedBy(before.owners, 'c');
    expect(partitionsMoved(before.owners, after.owners)).toBe(cHad);
    for (let p = 0; p < partitionCount; p += 1) {
      if (before.owners[p] !== 'c') expect(after.owners[p]).toBe(before.owners[p]);
      else expect(['a', 'b']).toContain(after.owners[p]);
    }
    expect(detectedMs).toBeGreaterThanOrEqual(deadAfterMs - heartbeatEveryMs);
    figures.push(
      `dead member: detected after ${detectedMs} ms (TTL ${deadAfterMs} ms), moved ${partitionsMoved(before.owners, after.owners)} = its ${cHad}, epoch ${before.epoch} → ${after.epoch}`,
    );
  });

  it('gives a member that joins ⌊P/N⌋ partitions, taken only from the others', async () => {
    const family = 'join';
    const first = ['a', 'b', 'c'].map((id) => member(family, id));
    for (const m of first) await m.join();
    await eventually('three on one ring', () => converged(first, ['a', 'b', 'c']) !== undefined);
    const before = first[0]?.current() as RingState;
    const d = member(family, 'd');
    await d.join();
    const all = [...first, d];
    await eventually('four on one ring', () => converged(all, ['a', 'b', 'c', 'd']) !== undefined);
    const after = d.current() as RingState;
    const moved = partitionsMoved(before.owners, after.owners);
    expect(ownedBy(after.owners, 'd')).toBe(Math.floor(partitionCount / 4));
    expect(moved).toBe(Math.floor(partitionCount / 4));
    for (let p = 0; p < partitionCount; p += 1)
      if (before.owners[p] !== after.owners[p]) expect(after.owners[p]).toBe('d');
    figures.push(
      `join: d took ${moved} of ${partitionCount} (1/N = ${partitionCount / 4}), epoch ${before.epoch} → ${after.epoch}`,
    );
  });

  it('lets exactly one of two racing writers commit the next epoch; the other adopts its ring', async () => {
    const family = 'race';
    const store = new RingStore(raw, prefix, family);
    // No heartbeat of the members' own fires during the race (each one refreshes the ring), so only the
    // writers and refreshes the test starts race; on a busy machine a timer's refresh landing between the
    // test's reads would commit an epoch the test does not count.
    const quiet: Timing = { deadAfterMs: 60_000, heartbeatEveryMs: 20_000 };
    const a = member(family, 'a', quiet);
    const b = member(family, 'b', quiet);
    await a.join();
    await b.join();
    await a.refresh();
    expect(converged([a, b], ['a', 'b'])).toBeDefined();
    const rounds = 20;
    let lostCas = 0;
    for (let round = 0; round < rounds; round += 1) {
      const epoch = (await store.read())?.epoch ?? 0;
      // Raw compare-and-set: two writers with the same expected epoch, exactly one wins.
      const outcomes = await Promise.all([
        store.compareAndSet(epoch, ['a', 'b'], (await store.read())?.owners ?? []),
        store.compareAndSet(epoch, ['a', 'b'], (await store.read())?.owners ?? []),
      ]);
      expect(outcomes.filter((outcome) => outcome !== undefined)).toHaveLength(1);
      lostCas += outcomes.filter((outcome) => outcome === undefined).length;
      // Through the members: a new member appears, both refresh at once; one epoch increment in all.
      const joiner = `x${round}`;
      await store.heartbeat(joiner, quiet.deadAfterMs);
      const base = (await store.read())?.epoch ?? 0;
      const [ra, rb] = await Promise.all([a.refresh(), b.refresh()]);
      const stored = await store.read();
      expect(stored?.epoch).toBe(base + 1);
      expect(ra).toEqual(stored);
      expect(rb).toEqual(stored);
      await store.remove(joiner);
    }
    figures.push(
      `race: ${rounds} rounds, each 1 CAS winner and ${lostCas / rounds} loser; refresh races committed 1 epoch each`,
    );
  });
});
