// Share-nothing and share-something: each key has one owner on the ring (its partition's owner), which serves
// every read and write; share-something also keeps N−1 replicas on the next nodes of the preference list.
import type { Bus } from '@trellis/bus';
import type { Membership, RingState } from '@trellis/ring';
import { partitionOf, preferenceList } from '@trellis/ring';
import type { Logger } from 'pino';
import type { Dataset, UpdateFunction } from '../dataset';
import type { DatasetDefinition } from '../dataset-definition';
import { DataErrors } from '../errors';
import type { Entry } from '../replication/contracts';
import { fetchPartitions, replicateEntries } from '../replication/contracts';
import type { DatasetSharing } from '../sharing';
import { FirstRing, settlesWithin } from '../first-ring';
import { EntryTable, HybridClock, isLive } from './entry-table';

/** The parts of a node's ring membership a dataset uses. */
export type RingMember = Pick<Membership, 'nodeId' | 'current' | 'holdsLease' | 'catchUpWith'>;

/** What an owned dataset needs from its node. */
export interface OwnedDatasetDeps<Value> {
  definition: DatasetDefinition<Value>;
  sharing: DatasetSharing;
  membership: RingMember;
  /** The node's data bus, where `data.replicate` and `data.fetch` travel. */
  dataBus: Bus;
  logger: Logger;
  /** How long a request waits for its partition to be fetched before `data.unavailable` (default 5 s). */
  syncWaitMs?: number;
  /** How long a partition this node stopped holding stays, for a new holder to fetch it (default 30 s). */
  keepLostPartitionMs?: number;
}

/** How long a tombstone stays when the dataset has no time to live: longer than any handover takes. */
const tombstoneMs = 3_600_000;

/**
 * One dataset under share-nothing (N = 1: only the owner holds a key, in memory; gone when it dies) or
 * share-something (owner plus N−1 replicas; a write is acknowledged once W of them hold it).
 *
 * Ownership is checked on every operation against this node's ring, and only while its ring lease holds (see
 * `Membership.holdsLease`): a node cut off from Redis stops serving before the others can take over. Writes
 * carry the ring epoch; a replica refuses a write from a node that is not the owner under a newer ring.
 * A node that starts holding a partition (it joined, restarted, or took over from a dead owner) fetches it
 * from the partition's previous and current holders before it serves it; the fetch makes each of them catch
 * up with the new epoch first, so after it the old owner refuses writes to the partition.
 */
export class OwnedDataset<Value> implements Dataset<Value> {
  readonly name: string;
  private readonly table = new EntryTable();
  private readonly clock = new HybridClock();
  /** Partitions being fetched: requests for their keys wait for these. */
  private readonly syncing = new Map<number, Promise<void>>();
  /** Partitions this node stopped holding, and when. */
  private readonly lostAt = new Map<number, number>();
  private readonly firstRing = new FirstRing();

  constructor(private readonly deps: OwnedDatasetDeps<Value>) {
    this.name = deps.definition.name;
  }

  async get(key: string): Promise<Value | undefined> {
    const { partition } = await this.serving(key);
    const entry = this.table.get(partition, key);
    return isLive(entry, Date.now()) ? this.parse(key, entry.value) : undefined;
  }

  set(key: string, value: Value): Promise<void> {
    return this.update(key, () => value).then(() => undefined);
  }

  delete(key: string): Promise<void> {
    return this.update(key, () => undefined).then(() => undefined);
  }

  async update<Next extends Value | undefined>(key: string, fn: UpdateFunction<Value, Next>): Promise<Next> {
    const { partition, ring } = await this.serving(key);
    const now = Date.now();
    const held = this.table.get(partition, key);
    const next = fn(isLive(held, now) ? this.parse(key, held.value) : undefined);
    const ttlMs = (this.deps.definition.ttlSeconds ?? 0) * 1000;
    const entry: Entry = {
      key,
      value: next ?? null,
      version: [ring.epoch, this.clock.next(), this.deps.membership.nodeId],
      expiresAt: next === undefined ? now + (ttlMs || tombstoneMs) : ttlMs === 0 ? 0 : now + ttlMs,
    };
    // Read, compute and apply happen in one turn of the event loop: nothing else touches the key between.
    this.table.merge(partition, entry);
    await this.replicate(ring, partition, entry);
    return next;
  }

  /**
   * A replica's side of `data.replicate`: merges the owner's entries once this node's ring is at least as new
   * as the sender's. Refused when the sender does not own the key's partition under that ring (a stale owner)
   * or this node does not hold it.
   */
  async acceptReplicas(
    from: string,
    epoch: number,
    entries: readonly Entry[],
  ): Promise<{ accepted: boolean; epoch: number }> {
    const ring = await this.deps.membership.catchUpWith(epoch);
    if (ring === undefined) return { accepted: false, epoch: 0 };
    const self = this.deps.membership.nodeId;
    for (const entry of entries) {
      const partition = partitionOf(entry.key, ring.owners.length);
      if (ring.owners[partition] !== from || !this.holders(ring, partition).includes(self)) {
        return { accepted: false, epoch: ring.epoch };
      }
    }
    for (const entry of entries) this.mergeEntry(ring, entry);
    return { accepted: true, epoch: ring.epoch };
  }

  /** A holder's side of `data.fetch`: catches up with the asker's epoch first, then answers with the partitions. */
  async entriesFor(epoch: number, partitions: readonly number[]): Promise<Entry[]> {
    await this.deps.membership.catchUpWith(epoch);
    return this.table.entriesOf(partitions);
  }

  /**
   * Follows a ring change: fetches the partitions this node starts holding from their previous and current
   * holders (requests for them wait meanwhile), and forgets, after a grace period, the ones it stopped holding.
   * Resolves when every fetch has finished.
   */
  async onRingChange(ring: RingState, previous: RingState | undefined): Promise<void> {
    const self = this.deps.membership.nodeId;
    const now = Date.now();
    const sources = new Map<string, number[]>();
    const gained: number[] = [];
    for (let partition = 0; partition < ring.owners.length; partition += 1) {
      const holdersNow = this.holders(ring, partition);
      const holdersBefore = previous === undefined ? [] : this.holders(previous, partition);
      const holdsNow = holdersNow.includes(self);
      if (!holdsNow) {
        if (holdersBefore.includes(self) || previous === undefined)
          this.lostAt.set(partition, this.lostAt.get(partition) ?? now);
        continue;
      }
      this.lostAt.delete(partition);
      if (previous !== undefined && holdersBefore.includes(self)) continue;
      gained.push(partition);
      // No previous ring: another member committed this node's first ring (it refreshed between this node's
      // first heartbeat and its own commit), so who held the partition before is unknown; any member may have.
      const candidates = previous === undefined ? ring.members : [...holdersBefore, ...holdersNow];
      for (const holder of new Set(candidates)) {
        if (holder === self) continue;
        sources.set(holder, [...(sources.get(holder) ?? []), partition]);
      }
    }
    const fetched = Promise.all(
      [...sources].map(([holder, partitions]) => this.fetchFrom(holder, ring, partitions)),
    ).then(() => undefined);
    for (const partition of gained) this.syncing.set(partition, fetched);
    // Only now: a request that waited for the first ring must find its partition marked as being fetched.
    this.firstRing.arrived();
    await fetched;
    for (const partition of gained) {
      if (this.syncing.get(partition) === fetched) this.syncing.delete(partition);
    }
    if (gained.length > 0) {
      this.deps.logger.info(
        { dataset: this.name, epoch: ring.epoch, gained: gained.length, from: [...sources.keys()] },
        'partitions fetched',
      );
    }
  }

  /** Drops expired entries, and partitions no longer held for longer than the grace period. */
  sweep(now: number): void {
    this.table.sweep(now);
    const keepMs = this.deps.keepLostPartitionMs ?? 30_000;
    for (const [partition, since] of this.lostAt) {
      if (now - since >= keepMs) {
        this.table.drop(partition);
        this.lostAt.delete(partition);
      }
    }
  }

  /** True once no partition of this node is still being fetched. */
  get caughtUp(): boolean {
    return this.syncing.size === 0;
  }

  /** Keys this node holds (owned or replicated, tombstones included). */
  get size(): number {
    return this.table.size;
  }

  /** The nodes that hold a partition under `ring`: its preference list, N long. */
  private holders(ring: RingState, partition: number): string[] {
    return preferenceList(ring.owners, partition, this.deps.sharing.replicas);
  }

  /** Checks that this node may serve `key` now, waiting for its partition's fetch; the ring to act under. */
  private async serving(key: string): Promise<{ partition: number; ring: RingState }> {
    const deadline = Date.now() + (this.deps.syncWaitMs ?? 5_000);
    for (;;) {
      const ring = this.deps.membership.current();
      if (ring === undefined) {
        if (await this.firstRing.within(deadline - Date.now())) continue;
        throw DataErrors.unavailable.create(`dataset ${this.name}: this node has not joined its ring yet`);
      }
      const partition = partitionOf(key, ring.owners.length);
      const owner = ring.owners[partition];
      if (owner !== this.deps.membership.nodeId) {
        throw DataErrors.notOwner.create(
          `dataset ${this.name}: partition ${partition} is owned by ${owner} at epoch ${ring.epoch}`,
          { owner, epoch: ring.epoch },
        );
      }
      if (!this.deps.membership.holdsLease()) {
        throw DataErrors.notOwner.create(`dataset ${this.name}: this node's ring lease lapsed`, {
          epoch: ring.epoch,
        });
      }
      const pending = this.syncing.get(partition);
      if (pending === undefined) return { partition, ring };
      const left = deadline - Date.now();
      if (!(await settlesWithin(pending, left))) {
        throw DataErrors.unavailable.create(
          `dataset ${this.name}: partition ${partition} is still being fetched`,
        );
      }
    }
  }

  /** Sends a write to the other holders; resolves once W holders (this one counted) have it. */
  private async replicate(ring: RingState, partition: number, entry: Entry): Promise<void> {
    const replicas = this.holders(ring, partition).slice(1);
    if (replicas.length === 0) return;
    // W counts the owner; with fewer live holders than W (a family of one), a write needs every one of them.
    const needed = Math.min(this.deps.sharing.writeAcks, replicas.length + 1) - 1;
    const sends = replicas.map((to) =>
      this.deps.dataBus
        .call(replicateEntries, {
          to,
          from: this.deps.membership.nodeId,
          dataset: this.name,
          epoch: ring.epoch,
          entries: [entry],
        })
        .then((reply) => reply.accepted)
        .catch(() => false),
    );
    if (needed === 0) return;
    const acknowledged = await atLeast(sends, needed);
    if (!acknowledged) {
      throw DataErrors.unavailable.create(
        `dataset ${this.name}: the write reached fewer than ${needed + 1} of its holders`,
      );
    }
  }

  private async fetchFrom(holder: string, ring: RingState, partitions: number[]): Promise<void> {
    // Two attempts: the first may meet a node still starting; a node that answers neither is taken for dead.
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      try {
        const reply = await this.deps.dataBus.call(fetchPartitions, {
          to: holder,
          from: this.deps.membership.nodeId,
          dataset: this.name,
          epoch: ring.epoch,
          partitions,
        });
        for (const entry of reply.entries) this.mergeEntry(ring, entry);
        return;
      } catch (error) {
        this.deps.logger.debug({ err: error, holder, attempt, dataset: this.name }, 'fetch failed');
      }
    }
    this.deps.logger.warn(
      { holder, dataset: this.name, partitions: partitions.length },
      'holder did not answer a fetch; taken for dead',
    );
  }

  private mergeEntry(ring: RingState, entry: Entry): void {
    this.clock.observe(entry.version[1]);
    this.table.merge(partitionOf(entry.key, ring.owners.length), entry);
  }

  private parse(key: string, value: unknown): Value {
    const result = this.deps.definition.schema.safeParse(value);
    if (!result.success) {
      throw DataErrors.corruptValue.create(
        `dataset ${this.name}: key ${key} holds a value that fails its schema`,
      );
    }
    return result.data;
  }
}

/** Resolves true as soon as `needed` of the promises resolved true, false once that can no longer happen. */
function atLeast(outcomes: readonly Promise<boolean>[], needed: number): Promise<boolean> {
  return new Promise((resolve) => {
    let yes = 0;
    let no = 0;
    for (const outcome of outcomes) {
      void outcome.then((ok) => {
        if (ok) yes += 1;
        else no += 1;
        if (yes === needed) resolve(true);
        else if (outcomes.length - no < needed) resolve(false);
      });
    }
  });
}
