// What one node holds of a share-nothing or share-something dataset: versioned entries by partition, deletes
// kept as tombstones (so a stale replica cannot bring a deleted key back), expired entries swept.
import type { Entry, Version } from '../replication/contracts';

/** Orders two versions: ring epoch, then hybrid clock, then writer id (a total order). */
export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

/** True while `entry` holds a value (not a tombstone, not expired at `now`). */
export function isLive(entry: Entry | undefined, now: number): entry is Entry {
  return entry !== undefined && entry.value !== null && (entry.expiresAt === 0 || entry.expiresAt > now);
}

/**
 * Entries of one dataset on one node, grouped by ring partition so whole partitions can be handed over,
 * fetched and dropped. Merging keeps the higher version, so applying the same entries twice or in any order
 * gives the same table.
 */
export class EntryTable {
  private readonly partitions = new Map<number, Map<string, Entry>>();

  /** The entry of `key` in `partition`, tombstones and expired ones included. */
  get(partition: number, key: string): Entry | undefined {
    return this.partitions.get(partition)?.get(key);
  }

  /** Keeps `entry` unless the table holds a newer version of its key; true when it was taken. */
  merge(partition: number, entry: Entry): boolean {
    let keys = this.partitions.get(partition);
    if (keys === undefined) {
      keys = new Map();
      this.partitions.set(partition, keys);
    }
    const held = keys.get(entry.key);
    if (held !== undefined && compareVersions(held.version, entry.version) >= 0) return false;
    keys.set(entry.key, entry);
    return true;
  }

  /** Every entry of the given partitions, tombstones included (a fetch must carry deletes too). */
  entriesOf(partitions: Iterable<number>): Entry[] {
    const entries: Entry[] = [];
    for (const partition of partitions) entries.push(...(this.partitions.get(partition)?.values() ?? []));
    return entries;
  }

  /** The partitions that hold at least one entry. */
  heldPartitions(): number[] {
    return [...this.partitions.keys()];
  }

  /** Forgets a partition this node no longer holds. */
  drop(partition: number): void {
    this.partitions.delete(partition);
  }

  /** Removes the entries (and tombstones) expired at `now`. */
  sweep(now: number): void {
    for (const [partition, keys] of this.partitions) {
      for (const [key, entry] of keys) {
        if (entry.expiresAt !== 0 && entry.expiresAt <= now) keys.delete(key);
      }
      if (keys.size === 0) this.partitions.delete(partition);
    }
  }

  /** Keys held (live or not), for the cluster view and benchmarks. */
  get size(): number {
    let size = 0;
    for (const keys of this.partitions.values()) size += keys.size;
    return size;
  }
}

/**
 * A hybrid logical clock (wall-clock milliseconds, bumped past anything seen), so a restarted owner that kept
 * its id and epoch still writes versions above the ones it fetched back from its replicas.
 */
export class HybridClock {
  private last = 0;

  /** The next counter: above every counter issued or observed, and not behind the wall clock. */
  next(): number {
    this.last = Math.max(this.last + 1, Date.now());
    return this.last;
  }

  /** Moves the clock past a counter seen in a fetched or replicated entry. */
  observe(counter: number): void {
    if (counter > this.last) this.last = counter;
  }
}
