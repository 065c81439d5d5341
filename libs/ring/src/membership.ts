// Who is in a family's ring, kept up to date: heartbeats with a time to live ("a slow node is a dead node"),
// and a recomputed claim committed by compare-and-set whenever the live members differ from the ring's.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RingErrors } from './errors';
import { assign, preferenceList } from './claim';
import { checkPartitionCount, defaultPartitionCount, partitionOf } from './partitions';
import type { RingState } from './ring-store';
import { RingStore } from './ring-store';

/** How a node takes part in its family's ring. */
export interface MembershipOptions {
  /** redis:// URL; the membership keeps its own connection. */
  url: string;
  /** The deployment's key prefix (`DATA_PREFIX`). */
  prefix: string;
  /** The node family whose ring this is (`cart`). */
  family: string;
  /** This node's id, unique in the family; it is what the ring names as an owner. */
  nodeId: string;
  /** Partitions of the ring (default 64); every member of a family must use the same number. */
  partitionCount?: number;
  /** A member whose heartbeat is older than this is dead (default 3000 ms). */
  deadAfterMs?: number;
  /** How often to heartbeat and refresh (default a third of `deadAfterMs`, so two missed beats are tolerated). */
  heartbeatEveryMs?: number;
  /** How long one Redis command may take (default 1000 ms). */
  commandTimeoutMs?: number;
  /** Where failed heartbeats and ring changes are logged; nothing is logged when omitted. */
  logger?: Logger;
}

/**
 * Called with each newly adopted ring and the ring it follows: the one this node's commit replaced, or else the
 * one this node adopted before (undefined for the first). Data moves between the two rings' holders.
 */
export type RingListener = (ring: RingState, previous: RingState | undefined) => void;

/** Rounds of read, compute, compare-and-set in one refresh before it gives up with `ring.contended`. */
const maxRefreshRounds = 16;
/** The part of the dead-after time a confirmed heartbeat keeps this node an owner (see `holdsLease`). */
const leaseFraction = 0.8;

const sameMembers = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((member, i) => member === b[i]);

/**
 * One node's membership of its family's ring. `join()` announces it and starts the heartbeat; every beat
 * also `refresh()`es: it reads the live members and, when they differ from the committed ring's, computes
 * the next ring with the deterministic claim and commits it by compare-and-set. Any member may do that;
 * one commit wins and the others re-read and adopt it.
 */
export class Membership {
  private readonly store: RingStore;
  private readonly partitionCount: number;
  private readonly deadAfterMs: number;
  private readonly heartbeatEveryMs: number;
  private timer: NodeJS.Timeout | undefined;
  private ring: RingState | undefined;
  /** When the last heartbeat that Redis confirmed was sent (monotonic clock, ms); 0 before the first. */
  private confirmedAt = 0;
  private readonly listeners = new Set<RingListener>();

  private readonly redis: Redis;

  constructor(private readonly options: MembershipOptions) {
    this.redis = Membership.connection(options);
    this.partitionCount = options.partitionCount ?? defaultPartitionCount;
    checkPartitionCount(this.partitionCount);
    this.deadAfterMs = options.deadAfterMs ?? 3_000;
    this.heartbeatEveryMs = options.heartbeatEveryMs ?? Math.max(1, Math.floor(this.deadAfterMs / 3));
    if (this.heartbeatEveryMs >= this.deadAfterMs) {
      throw new Error(
        `heartbeat interval ${this.heartbeatEveryMs} ms must be shorter than dead-after ${this.deadAfterMs} ms`,
      );
    }
    this.store = new RingStore(this.redis, options.prefix, options.family);
  }

  private static connection(options: MembershipOptions): Redis {
    const redis = new Redis(options.url, {
      lazyConnect: true,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      maxRetriesPerRequest: 1,
    });
    redis.on('error', (error: unknown) => options.logger?.warn({ err: error }, 'Redis connection error'));
    return redis;
  }

  /** This node's id. */
  get nodeId(): string {
    return this.options.nodeId;
  }

  /**
   * Connects, announces this node, starts the heartbeat and commits or adopts a ring that includes it.
   * Rejects with `ring.unavailable` when Redis cannot be reached.
   */
  async join(): Promise<RingState> {
    if (this.redis.status === 'wait') {
      try {
        await this.redis.connect();
      } catch (error) {
        throw RingErrors.unavailable.create('cannot connect to Redis for ring membership', undefined, {
          cause: error,
        });
      }
    }
    await this.heartbeat();
    this.timer = setInterval(() => {
      this.beat().catch((error: unknown) =>
        this.options.logger?.warn({ err: error }, 'ring heartbeat failed'),
      );
    }, this.heartbeatEveryMs);
    this.timer.unref();
    return this.refresh();
  }

  /**
   * Stops the heartbeat, withdraws this node, commits the ring without it and closes the connection.
   * Resolves to that ring (what a handoff of this node's data follows), or undefined when this node was the
   * last member or Redis could not be reached (the others then find it dead once its heartbeat expires).
   */
  async leave(): Promise<RingState | undefined> {
    this.stopTimer();
    this.confirmedAt = 0;
    try {
      await this.store.remove(this.nodeId);
      return await this.refresh();
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'could not withdraw from the ring');
      return undefined;
    } finally {
      await this.redis.quit().catch(() => this.redis.disconnect());
    }
  }

  /**
   * Stops heart-beating and closes the connection without withdrawing: the others declare this node dead
   * once its heartbeat expires. This is what a crash looks like to them; fault tests use it.
   */
  abandon(): void {
    this.stopTimer();
    this.confirmedAt = 0;
    this.redis.disconnect();
  }

  /**
   * Reads the live members and the committed ring; commits the next ring when they differ (compare-and-set
   * on the epoch; on a lost race it re-reads and adopts the winner's). Resolves to the ring now adopted.
   */
  async refresh(): Promise<RingState> {
    for (let round = 0; round < maxRefreshRounds; round += 1) {
      const live = await this.store.liveMembers();
      const stored = await this.store.read();
      if (live.length === 0 || (stored !== undefined && sameMembers(stored.members, live))) {
        if (stored !== undefined) return this.adopt(stored, this.ring);
        throw RingErrors.unavailable.create(
          `no live member in ring ${this.options.family} to assign partitions to`,
        );
      }
      const previous = stored?.owners.length === this.partitionCount ? stored.owners : undefined;
      const owners = assign(previous, live, this.partitionCount);
      const committed = await this.store.compareAndSet(stored?.epoch ?? 0, live, owners);
      if (committed !== undefined) {
        this.options.logger?.info({ epoch: committed.epoch, members: committed.members }, 'ring committed');
        return this.adopt(committed, stored);
      }
    }
    throw RingErrors.contended.create(
      `ring ${this.options.family} kept changing during ${maxRefreshRounds} rounds`,
    );
  }

  /** The ring this node last adopted (epoch, members, owners), or undefined before it joined. */
  current(): RingState | undefined {
    return this.ring;
  }

  /** The nodes that should hold `key`, owner first, at most `n` (see `preferenceList` in claim.ts); [] before a ring. */
  preferenceList(key: string, n: number): string[] {
    if (this.ring === undefined) return [];
    return preferenceList(this.ring.owners, partitionOf(key, this.ring.owners.length), n);
  }

  /** Calls `listener` with each newly adopted ring (a higher epoch); returns a function that stops it. */
  onChange(listener: RingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * True while this node can be sure the others still count it as a member: its last confirmed heartbeat was
   * sent less than the dead-after time ago (less a safety margin for timer and command delays). The others
   * declare it dead only after that time since the heartbeat landed, which is no earlier than it was sent,
   * so a node that lost Redis stops acting as an owner before any other node can take its partitions over.
   * Measured on the monotonic clock, so wall-clock jumps do not matter; the clocks' rates must agree.
   */
  holdsLease(): boolean {
    return this.confirmedAt > 0 && performance.now() - this.confirmedAt < this.deadAfterMs * leaseFraction;
  }

  /**
   * Makes sure this node has adopted a ring at least as new as `epoch`, which another node saw (e.g. in a
   * replication or fetch message): re-reads the stored ring when this node is behind. Resolves to the ring now
   * adopted, which may still be older when the other node's ring is not committed yet. Before this node has
   * joined it only returns the ring it has (none).
   */
  async catchUpWith(epoch: number): Promise<RingState | undefined> {
    // Before `join()` (or after `leave()`) this node is no member: reading and committing a ring now would
    // commit one without it, and would adopt a ring before the caller's listeners are there.
    if (this.timer === undefined) return this.ring;
    if (this.ring !== undefined && this.ring.epoch >= epoch) return this.ring;
    await this.refresh();
    return this.ring;
  }

  private async heartbeat(): Promise<void> {
    const sentAt = performance.now();
    await this.store.heartbeat(this.nodeId, this.deadAfterMs);
    this.confirmedAt = Math.max(this.confirmedAt, sentAt);
  }

  private async beat(): Promise<void> {
    await this.heartbeat();
    await this.refresh();
  }

  private adopt(ring: RingState, previous: RingState | undefined): RingState {
    // Two refreshes may finish out of order; never go back to an older epoch.
    if (this.ring !== undefined && ring.epoch <= this.ring.epoch) return this.ring;
    const replaced =
      previous !== undefined && (this.ring === undefined || previous.epoch > this.ring.epoch)
        ? previous
        : this.ring;
    this.ring = ring;
    for (const listener of this.listeners) listener(ring, replaced);
    return ring;
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
