// Datasets in Redis: the shared store every node of a family reads and writes until the consistent-hash ring
// gives each key an owner (see the README for what that costs in availability).
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Dataset, UpdateFunction } from './dataset';
import { DataErrors } from './errors';

/** How to reach Redis and where a deployment's keys live. */
export interface RedisDataStoreOptions {
  /** redis:// URL. */
  url: string;
  /**
   * The deployment's key prefix (`DATA_PREFIX`): every key is `<prefix>:<dataset>:<key>`, so deployments
   * and test runs sharing one Redis never see each other's data. Letters, digits, `_`, `-` and `.` only.
   */
  prefix: string;
  /**
   * How long one command may take before it fails with `data.unavailable` (default 1000 ms): a slow store
   * is a dead store, and the caller's own timeout is only a few seconds.
   */
  commandTimeoutMs?: number;
  /** Where connection errors are logged (the connection recovers by itself); not logged when omitted. */
  logger?: Logger;
}

/** What a dataset is: its name, the schema its stored values are checked against, and their lifetime. */
export interface DatasetOptions<Value> {
  /** `sessions`, `carts`: letters, digits, `_` and `-`. */
  name: string;
  /** Checked on every read; a value that fails it is reported as `data.corrupt_value`, never returned. */
  schema: z.ZodType<Value>;
  /** Time to live of a value, restarted by every write (sliding expiry); none when omitted. */
  ttlSeconds?: number;
}

// Compare-and-set in one script: write (or delete) only if the key still holds what the caller read.
// KEYS[1] key; ARGV[1] '1' when the caller read a value, '0' when it read none; ARGV[2] the value it read;
// ARGV[3] '1' to write ARGV[4], '0' to delete; ARGV[5] time to live in seconds, '0' for none.
// Returns 1 when it wrote, 0 when another writer got in first.
const compareAndSetScript = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '0' then
  redis.call('DEL', KEYS[1])
elseif ARGV[5] == '0' then
  redis.call('SET', KEYS[1], ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[4], 'EX', ARGV[5])
end
return 1
`;

/** Rounds of read, compute, compare-and-set before an update gives up with `data.contended`. */
const maxUpdateRounds = 32;
/** Upper bound of the random pause after a lost round, grown per round (ms). */
const conflictBackoffMs = 2;

const prefixPattern = /^[A-Za-z0-9_.-]+$/;
const namePattern = /^[A-Za-z0-9_-]+$/;

/**
 * One Redis connection and the datasets kept in it. `update` is a compare-and-set Lua script in a loop
 * (optimistic concurrency), not WATCH/MULTI: WATCH belongs to a connection, and ioredis multiplexes one
 * connection across every concurrent operation, so one update's EXEC would clear another's WATCH.
 */
export class RedisDataStore {
  private constructor(
    private readonly redis: Redis,
    /** The deployment's key prefix. */
    readonly prefix: string,
  ) {}

  /**
   * Connects to Redis; rejects (with `data.unavailable`) when it cannot be reached, so a node without its
   * store fails to start instead of running and failing every call. Throws on an invalid prefix.
   */
  static async connect(options: RedisDataStoreOptions): Promise<RedisDataStore> {
    if (!prefixPattern.test(options.prefix)) {
      throw new Error(`data prefix "${options.prefix}" may hold only letters, digits, "_", "-" and "."`);
    }
    const redis = new Redis(options.url, {
      lazyConnect: true,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      // Fail a command after one reconnect attempt instead of the default 20: the bus's retry strategy,
      // which knows the call's deadline, decides whether to try again.
      maxRetriesPerRequest: 1,
    });
    // Without a listener ioredis prints every connection error itself; the failing commands report them anyway.
    redis.on('error', (error: unknown) => options.logger?.warn({ err: error }, 'Redis connection error'));
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw DataErrors.unavailable.create(`cannot connect to Redis at ${redactUrl(options.url)}`, undefined, {
        cause: error,
      });
    }
    return new RedisDataStore(redis, options.prefix);
  }

  /** True while the connection is up (a readiness signal). */
  get isReady(): boolean {
    return this.redis.status === 'ready';
  }

  /** A dataset of this store. Datasets are views: asking twice for the same name gives the same data. */
  dataset<Value>(options: DatasetOptions<Value>): Dataset<Value> {
    if (!namePattern.test(options.name)) {
      throw new Error(`dataset name "${options.name}" may hold only letters, digits, "_" and "-"`);
    }
    if (
      options.ttlSeconds !== undefined &&
      (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 1)
    ) {
      throw new Error(`dataset ${options.name}: ttlSeconds must be a positive integer`);
    }
    return new RedisDataset(this.redis, `${this.prefix}:${options.name}:`, options);
  }

  /**
   * Deletes every key under this store's prefix, of every dataset: for tests and for tearing down a
   * deployment, never for a running one.
   */
  async deleteEverything(): Promise<number> {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) deleted += await this.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  }

  /** Closes the connection after the commands already sent have been answered. */
  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    try {
      await this.redis.quit();
    } catch {
      // Already closed or closing: quitting is only a courtesy to the server.
      this.redis.disconnect();
    }
  }
}

class RedisDataset<Value> implements Dataset<Value> {
  readonly name: string;
  private readonly ttl: string;
  /** The last update queued per key on this connection (see `update`). */
  private readonly updates = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly options: DatasetOptions<Value>,
  ) {
    this.name = options.name;
    this.ttl = String(options.ttlSeconds ?? 0);
  }

  async get(key: string): Promise<Value | undefined> {
    const raw = await this.run(() => this.redis.get(this.keyOf(key)));
    return raw === null ? undefined : this.decode(key, raw);
  }

  async set(key: string, value: Value): Promise<void> {
    const raw = JSON.stringify(value);
    await this.run(() =>
      this.ttl === '0'
        ? this.redis.set(this.keyOf(key), raw)
        : this.redis.set(this.keyOf(key), raw, 'EX', this.ttl),
    );
  }

  update<Next extends Value | undefined>(key: string, fn: UpdateFunction<Value, Next>): Promise<Next> {
    // Updates of one key from this process run one after another: they would only make each other lose
    // compare-and-set rounds. Writers on other nodes are what the compare-and-set is for.
    const previous = this.updates.get(key) ?? Promise.resolve();
    const next = previous.then(
      () => this.compareAndSetLoop(key, fn),
      () => this.compareAndSetLoop(key, fn),
    );
    this.updates.set(key, next);
    const forget = () => {
      if (this.updates.get(key) === next) this.updates.delete(key);
    };
    void next.then(forget, forget);
    return next;
  }

  private async compareAndSetLoop<Next extends Value | undefined>(
    key: string,
    fn: UpdateFunction<Value, Next>,
  ): Promise<Next> {
    const redisKey = this.keyOf(key);
    for (let round = 1; round <= maxUpdateRounds; round += 1) {
      // A random pause after a lost round, so that writers on two nodes do not keep colliding in step.
      if (round > 1) await delay(Math.random() * conflictBackoffMs * round);
      const raw = await this.run(() => this.redis.get(redisKey));
      const next = fn(raw === null ? undefined : this.decode(key, raw));
      // Nothing was there and nothing is to be written: no write, so nothing to compare.
      if (raw === null && next === undefined) return next;
      const written = await this.run(() =>
        this.redis.eval(
          compareAndSetScript,
          1,
          redisKey,
          raw === null ? '0' : '1',
          raw ?? '',
          next === undefined ? '0' : '1',
          next === undefined ? '' : JSON.stringify(next),
          this.ttl,
        ),
      );
      if (written === 1) return next;
    }
    throw DataErrors.contended.create(
      `dataset ${this.name}: key "${key}" changed under ${maxUpdateRounds} updates in a row`,
    );
  }

  async delete(key: string): Promise<void> {
    await this.run(() => this.redis.unlink(this.keyOf(key)));
  }

  private keyOf(key: string): string {
    return `${this.keyPrefix}${key}`;
  }

  private decode(key: string, raw: string): Value {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw DataErrors.corruptValue.create(
        `dataset ${this.name}: key "${key}" does not hold JSON`,
        undefined,
        {
          cause: error,
        },
      );
    }
    const parsed = this.options.schema.safeParse(json);
    if (!parsed.success) {
      throw DataErrors.corruptValue.create(
        `dataset ${this.name}: key "${key}" does not match the dataset's schema`,
        { issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) },
      );
    }
    return parsed.data;
  }

  /** Runs one Redis command, reporting a connection failure or timeout as `data.unavailable`. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw DataErrors.unavailable.create(
        `dataset ${this.name}: Redis did not answer (${error instanceof Error ? error.message : String(error)})`,
        undefined,
        { cause: error },
      );
    }
  }
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
