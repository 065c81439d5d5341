// Properties of the deterministic claim: ownership, balance, minimal movement on a join or a leave, replica
// lists, and determinism across processes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Owners } from './claim';
import { assign, partitionsMoved, preferenceList } from './claim';
import { partitionOf } from './partitions';

const nodeIds = (count: number, tag = 'node'): string[] =>
  Array.from({ length: count }, (_, i) => `${tag}-${i}`);

function loads(owners: Owners): Map<string, number> {
  const counts = new Map<string, number>();
  for (const owner of owners) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}

/** A table built the way a cluster builds it: a first assignment, then joins and leaves one at a time. */
function grow(partitionCount: number, members: readonly string[]): Owners {
  let owners: Owners | undefined;
  for (let i = 1; i <= members.length; i += 1) owners = assign(owners, members.slice(0, i), partitionCount);
  if (owners === undefined) throw new Error('no members');
  return owners;
}

const partitionCounts = fc.constantFrom(16, 64, 256);
const memberNames = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/), {
  minLength: 1,
  maxLength: 16,
});

describe('partitionOf', () => {
  it('puts every key in [0, P) and spreads keys evenly', () => {
    const counts = new Array<number>(64).fill(0);
    for (let i = 0; i < 64_000; i += 1) counts[partitionOf(`cart-${i}`, 64)] += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1_200);
    fc.assert(
      fc.property(fc.string(), partitionCounts, (key, p) => {
        const partition = partitionOf(key, p);
        return Number.isInteger(partition) && partition >= 0 && partition < p;
      }),
      { numRuns: 60 },
    );
  });
});

describe('assign', () => {
  it('gives every partition to a member, with loads between ⌊P/N⌋ and ⌈P/N⌉, whatever the join order', () => {
    fc.assert(
      fc.property(partitionCounts, memberNames, (p, members) => {
        const owners = grow(p, members);
        expect(owners).toHaveLength(p);
        for (const owner of owners) expect(members).toContain(owner);
        const counts = [...loads(owners).values()];
        if (p >= members.length) expect(counts).toHaveLength(members.length);
        expect(Math.max(...counts)).toBeLessThanOrEqual(Math.ceil(p / members.length));
        expect(Math.min(...counts)).toBeGreaterThanOrEqual(Math.max(1, Math.floor(p / members.length)));
      }),
      { numRuns: 60 },
    );
  });

  it('moves exactly ⌊P/N⌋ partitions on a join, all of them to the joiner', () => {
    fc.assert(
      fc.property(partitionCounts, memberNames, fc.stringMatching(/^[a-z]{1,8}$/), (p, members, name) => {
        const joiner = `joiner-${name}`;
        const before = grow(p, members);
        const after = assign(before, [...members, joiner], p);
        expect(partitionsMoved(before, after)).toBe(Math.floor(p / (members.length + 1)));
        for (let i = 0; i < p; i += 1) if (before[i] !== after[i]) expect(after[i]).toBe(joiner);
      }),
      { numRuns: 60 },
    );
  });

  it('moves only the leaver’s partitions on a leave, and keeps loads within one of each other', () => {
    fc.assert(
      fc.property(partitionCounts, memberNames, fc.nat(), (p, members, pick) => {
        fc.pre(members.length >= 2);
        const leaver = members[pick % members.length];
        const before = grow(p, members);
        const survivors = members.filter((member) => member !== leaver);
        const after = assign(before, survivors, p);
        const leaverHad = before.filter((owner) => owner === leaver).length;
        expect(partitionsMoved(before, after)).toBe(leaverHad);
        for (let i = 0; i < p; i += 1) if (before[i] !== leaver) expect(after[i]).toBe(before[i]);
        const counts = [...loads(after).values()];
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same table for the same inputs, in any member order', () => {
    fc.assert(
      fc.property(partitionCounts, memberNames, (p, members) => {
        const owners = grow(p, members);
        expect(assign(owners, [...members].reverse(), p)).toEqual(owners);
        expect(assign(undefined, [...members].reverse(), p)).toEqual(assign(undefined, members, p));
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same table in every process: hashes match a fresh process, and the table a pinned digest', () => {
    const script = `
      const { createHash } = require('node:crypto');
      const h = (t) => createHash('sha1').update(t, 'utf8').digest().readUInt32BE(0);
      process.stdout.write(JSON.stringify(['cart-1', 'cart-2', 'x'].map((k) => h(k) % 256)));`;
    const output = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(['cart-1', 'cart-2', 'x'].map((key) => partitionOf(key, 256))).toEqual(JSON.parse(output));
    // Seven joins then a leave; the digest was taken once, so any change to the claim or its hashes fails
    // here before two versions of a node can disagree in one cluster.
    const members = nodeIds(7);
    const owners = assign(
      grow(256, members),
      members.filter((member) => member !== 'node-2'),
      256,
    );
    const digest = createHash('sha1').update(JSON.stringify(owners)).digest('hex');
    expect(digest).toBe('eb0280355c2fc44f715a95b0b5098bb5316d3ca7');
  });
});

describe('preferenceList', () => {
  it('lists n distinct members, owner first', () => {
    fc.assert(
      fc.property(
        partitionCounts,
        memberNames,
        fc.nat(),
        fc.integer({ min: 1, max: 5 }),
        (p, members, at, n) => {
          const owners = grow(p, members);
          const partition = at % p;
          const list = preferenceList(owners, partition, n);
          const distinctOwners = new Set(owners).size;
          expect(list).toHaveLength(Math.min(n, distinctOwners));
          expect(new Set(list).size).toBe(list.length);
          expect(list[0]).toBe(owners[partition]);
          expect(preferenceList(owners, partition, n)).toEqual(list);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('measured figures', () => {
  it('reports moves and balance for P = 256 and 64, 1 to 16 nodes', () => {
    const rows: string[] = [];
    for (const p of [64, 256]) {
      let worstBalance = 1;
      let owners: Owners | undefined;
      for (let n = 1; n <= 16; n += 1) {
        const members = nodeIds(n);
        const next = assign(owners, members, p);
        const moved = owners === undefined ? 0 : partitionsMoved(owners, next);
        const counts = [...loads(next).values()];
        const balance = Math.max(...counts) / Math.min(...counts);
        const bound = Math.ceil(p / n) / Math.floor(p / n);
        expect(balance).toBeLessThanOrEqual(bound);
        if (n > 1) expect(moved).toBe(Math.floor(p / n));
        worstBalance = Math.max(worstBalance, balance);
        rows.push(
          `P=${p} N=${n}: join moved ${moved} (⌊P/N⌋=${Math.floor(p / n)}), max/min ${balance.toFixed(3)}`,
        );
        owners = next;
      }
      rows.push(`P=${p}: worst max/min over 1..16 nodes ${worstBalance.toFixed(3)}`);
    }
    process.stdout.write(`ring claim figures\n${rows.join('\n')}\n`);
  });
});
