// A read-only view of a family's ring, for nodes that route to the family without being members (the gateway).
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { preferenceList } from './claim';
import { partitionOf } from './partitions';
import type { RingState } from './ring-store';
import { RingStore } from './ring-store';

/** Where a ring is read from and how often. */
export interface RingObserverOptions {
  /** redis:// URL; the observer keeps its own connection. */
  url: string;
  /** The deployment's key prefix (`DATA_PREFIX`), the members' prefix. */
  prefix: string;
  /** The node family whose ring to follow (`cart`). */
  family: string;
  /**
   * How often to re-read the ring (default 250 ms). One GET each time; a caller routes by a ring at most this
   * old, and a member that no longer owns a key refuses it (retryably) until then.
   */
  refreshEveryMs?: number;
  logger?: Logger;
}

/**
 * Follows the committed ring of one family: `current()` is the last ring read, `preferenceList(key, n)` its
 * nodes for a key. Reading does not make this process a member.
 */
export class RingObserver {
  private readonly redis: Redis;
  private readonly store: RingStore;
  private ring: RingState | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RingObserverOptions) {
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      commandTimeout: 1_000,
      maxRetriesPerRequest: 1,
    });
    this.redis.on('error', (error: unknown) =>
      options.logger?.warn({ err: error }, 'Redis connection error'),
    );
    this.store = new RingStore(this.redis, options.prefix, options.family);
  }

  /** The family this observer follows. */
  get family(): string {
    return this.options.family;
  }

  /** Connects, reads the ring once and keeps re-reading it. Rejects when Redis cannot be reached. */
  async start(): Promise<void> {
    await this.redis.connect();
    await this.read();
    this.timer = setInterval(() => {
      this.read().catch((error: unknown) => this.options.logger?.warn({ err: error }, 'ring read failed'));
    }, this.options.refreshEveryMs ?? 250);
    this.timer.unref();
  }

  /** The ring last read, or undefined while the family has none (no member joined yet). */
  current(): RingState | undefined {
    return this.ring;
  }

  /** The nodes that should hold `key`, owner first, at most `n`; [] while there is no ring. */
  preferenceList(key: string, n: number): string[] {
    if (this.ring === undefined) return [];
    return preferenceList(this.ring.owners, partitionOf(key, this.ring.owners.length), n);
  }

  /** Stops reading and closes the connection. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async read(): Promise<void> {
    const ring = await this.store.read();
    if (ring !== undefined && (this.ring === undefined || ring.epoch >= this.ring.epoch)) this.ring = ring;
  }
}
