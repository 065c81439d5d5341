// The deterministic claim: which node owns which partition, computed from the previous table and the members,
// so every node that computes it gets the same answer (Riak Core's claim; the table is then committed by
// compare-and-set in ring-store.ts). Written here because the npm consistent-hashing packages are
// unmaintained or differ between processes, and stateless hashing moves more than 1/N on a join.
import { checkPartitionCount, hash32 } from './partitions';

/** The owner (a node id) of each partition, by partition number: `owners[p]` owns partition `p`. */
export type Owners = readonly string[];

/** Tie-break rank of `node` for `partition`: a hash of both, the same in every process. */
function rank(node: string, partition: number): number {
  return hash32(`${node}\u0000${partition}`);
}

/** Lower rank first; a full hash collision falls back to the node id so the order stays total. */
function byRank(partition: number): (a: string, b: string) => number {
  const ranks = new Map<string, number>();
  const rankOf = (node: string): number => {
    let value = ranks.get(node);
    if (value === undefined) {
      value = rank(node, partition);
      ranks.set(node, value);
    }
    return value;
  };
  return (a, b) => rankOf(a) - rankOf(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The owners table for `members` over `partitionCount` partitions, given the `previous` table (undefined
 * for the first one, or when the partition count changed). Pure and deterministic: the order of `members`
 * and duplicates in it do not matter.
 * - First assignment: partition p goes to the (p mod N)-th member in sorted order, so loads differ by ≤ 1.
 * - Leave: each partition of a node that is no longer a member goes, in partition order, to the least-loaded
 *   remaining member (ties: the lowest hash of node and partition). Nothing else moves.
 * - Join: each new member in sorted order takes ⌊P/N⌋ partitions (N counting it), one at a time from a
 *   most-loaded member (among their partitions, the lowest hash of joiner and partition). Nothing else moves.
 * Starting from a table it produced, loads stay within 1 of each other (max = ⌈P/N⌉, min = ⌊P/N⌋).
 * Throws when `members` is empty.
 */
export function assign(
  previous: Owners | undefined,
  members: readonly string[],
  partitionCount: number,
): Owners {
  checkPartitionCount(partitionCount);
  const sorted = [...new Set(members)].sort();
  if (sorted.length === 0) throw new Error('cannot assign partitions to no members');
  if (previous === undefined || previous.length !== partitionCount) {
    return Array.from({ length: partitionCount }, (_, p) => sorted[p % sorted.length]);
  }

  const owners = [...previous];
  const memberSet = new Set(sorted);
  const load = new Map<string, number>();
  for (const owner of owners) {
    if (memberSet.has(owner)) load.set(owner, (load.get(owner) ?? 0) + 1);
  }
  // A member that owns nothing (new, or left with none when P < N) joins below.
  const joiners = sorted.filter((member) => !load.has(member));

  for (let p = 0; p < partitionCount; p += 1) {
    if (memberSet.has(owners[p])) continue;
    const holders = [...load.keys()];
    if (holders.length === 0) break; // every owner left: handled as joiners from an empty table below
    const least = Math.min(...holders.map((member) => load.get(member) ?? 0));
    const heir = holders.filter((member) => load.get(member) === least).sort(byRank(p))[0];
    owners[p] = heir;
    load.set(heir, least + 1);
  }

  if (load.size === 0) {
    // Nobody from the previous table is left: start again, as a first assignment.
    return assign(undefined, sorted, partitionCount);
  }

  for (const joiner of joiners) {
    const share = Math.floor(partitionCount / (load.size + 1));
    load.set(joiner, 0);
    const joinerRanks = owners.map((_, p) => rank(joiner, p));
    for (let taken = 0; taken < share; taken += 1) {
      let most = -1;
      for (const [member, count] of load) if (member !== joiner && count > most) most = count;
      let pick = -1;
      let pickRank = 0;
      for (let p = 0; p < partitionCount; p += 1) {
        const owner = owners[p];
        if (owner === joiner || load.get(owner) !== most) continue;
        const r = joinerRanks[p];
        if (pick === -1 || r < pickRank) {
          pick = p;
          pickRank = r;
        }
      }
      if (pick === -1) break;
      const donor = owners[pick];
      load.set(donor, most - 1);
      owners[pick] = joiner;
      load.set(joiner, taken + 1);
    }
  }
  return owners;
}

/**
 * The nodes that should hold `partition`, best first: its owner, then the other distinct owners of the
 * table in an order given by a hash of node and partition (so each partition spreads its replicas
 * differently). At most `n` nodes; fewer when the table has fewer distinct owners. Pure.
 */
export function preferenceList(owners: Owners, partition: number, n: number): string[] {
  const owner = owners[partition];
  if (owner === undefined || n < 1) return [];
  const others = [...new Set(owners)].filter((node) => node !== owner).sort(byRank(partition));
  return [owner, ...others].slice(0, n);
}

/** How many partitions have a different owner in `after` than in `before` (tables of the same size). */
export function partitionsMoved(before: Owners, after: Owners): number {
  let moved = 0;
  for (let p = 0; p < Math.max(before.length, after.length); p += 1) if (before[p] !== after[p]) moved += 1;
  return moved;
}
