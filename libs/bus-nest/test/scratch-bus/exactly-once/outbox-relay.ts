// Publishes committed outbox rows to the broker and deletes them once confirmed.
import { ExponentialBackoff, type IBackoff } from 'cockatiel';
import type { Pool, PoolClient } from 'pg';
import { type Logger, pino } from 'pino';

import { busTables } from './bus-tables';
import type { OutboxRecord } from './outbox-record';
import { type PreparedStatement, preparedStatement } from './prepared-statement';
import { rollbackQuietly } from './rollback-quietly';

/** Options of an {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  pool: Pool;
  /** The node's own schema, holding the tables created by {@link migrateBusTables}. */
  schema: string;
  /** Publishes one record; resolves when the broker confirmed it, rejects if it did not. */
  publish(record: OutboxRecord): Promise<void>;
  /** Pause between passes when nothing pokes the relay; default 1000 ms. */
  pollIntervalMs?: number;
  /** The most rows one pass claims (and publishes concurrently); default 100. */
  batchSize?: number;
  logger?: Logger;
}

interface OutboxRow {
  seq: string;
  id: string;
  contract: string;
  version: number;
  payload: unknown;
  headers: Record<string, string>;
  created_at: Date;
}

/** How a pass went, which decides when the next one runs. */
type PassResult = { kind: 'done'; full: boolean } | { kind: 'stuck' };

const DEFAULT_POLL_INTERVAL_MS = 1_000;
const DEFAULT_BATCH_SIZE = 100;
const MAX_BACKOFF_MS = 30_000;

/**
 * Moves outbox rows to the broker. Each pass claims the oldest unpublished rows with
 * `FOR UPDATE SKIP LOCKED`, so relays on several nodes never publish the same row in the same pass; publishes
 * them concurrently (confirms are where the latency is); deletes the confirmed ones; commits.
 *
 * Delivery is at-least-once: if the process dies between the broker's confirm and the COMMIT, the claim is
 * rolled back and a later pass publishes the row again. The record id is fixed when the row is written, so
 * subscribers deduplicate on it. Rows are claimed in `seq` order but published concurrently, so subscribers
 * must not rely on the order of events.
 */
export class OutboxRelay {
  readonly #pool: Pool;
  readonly #publish: (record: OutboxRecord) => Promise<void>;
  readonly #pollIntervalMs: number;
  readonly #batchSize: number;
  readonly #logger: Logger;
  readonly #claim: PreparedStatement;
  readonly #delete: PreparedStatement;
  readonly #backoffStart: ExponentialBackoff<unknown>;

  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<void> | undefined;
  #pokedDuringPass = false;
  /** Set while the broker (or the database) is failing; pokes wait for it instead of hammering. */
  #backoff: IBackoff<unknown> | undefined;

  constructor(options: OutboxRelayOptions) {
    this.#pool = options.pool;
    this.#publish = (record) => options.publish(record);
    this.#pollIntervalMs = positiveInteger(
      'pollIntervalMs',
      options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    );
    this.#batchSize = positiveInteger('batchSize', options.batchSize ?? DEFAULT_BATCH_SIZE);
    this.#logger = options.logger ?? pino({ name: 'outbox-relay' });
    this.#backoffStart = new ExponentialBackoff({
      initialDelay: this.#pollIntervalMs,
      maxDelay: Math.max(MAX_BACKOFF_MS, this.#pollIntervalMs),
    });
    const { outbox } = busTables(options.schema);
    this.#claim = preparedStatement(
      'outbox_claim',
      `SELECT seq, id, contract, version, payload, headers, created_at
       FROM ${outbox} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
    );
    this.#delete = preparedStatement('outbox_delete', `DELETE FROM ${outbox} WHERE seq = ANY($1::bigint[])`);
  }

  /** Starts polling, with a first pass at once. Calling it again while running does nothing. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /**
   * Asks for a prompt pass (rows were just committed). Pokes coalesce: during a pass they cause one more pass
   * right after it, never a second pass beside it; while backing off they wait for the backoff.
   */
  poke(): void {
    if (!this.#running) return;
    if (this.#pass !== undefined) {
      this.#pokedDuringPass = true;
      return;
    }
    if (this.#backoff === undefined) this.#schedule(0);
  }

  /** Stops polling and waits for the pass in flight; rows it could not finish are published after a restart. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#pass;
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#startPass(), delayMs);
  }

  #startPass(): void {
    this.#timer = undefined;
    if (!this.#running || this.#pass !== undefined) return;
    this.#pokedDuringPass = false;
    this.#pass = this.#passOnce().then((result) => {
      this.#pass = undefined;
      if (this.#running) this.#schedule(this.#nextDelay(result));
    });
  }

  #nextDelay(result: PassResult): number {
    if (result.kind === 'stuck') {
      this.#backoff = (this.#backoff ?? this.#backoffStart).next(undefined);
      return this.#backoff.duration;
    }
    this.#backoff = undefined;
    // A full batch means more rows are probably waiting: drain them without waiting for the next poll.
    return result.full || this.#pokedDuringPass ? 0 : this.#pollIntervalMs;
  }

  /** One pass; never rejects (failures are logged and reported as `stuck`). */
  async #passOnce(): Promise<PassResult> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      this.#logger.error({ err: error }, 'outbox relay: cannot reach the database');
      return { kind: 'stuck' };
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const claimed = await client.query<OutboxRow>({ ...this.#claim, values: [this.#batchSize] });
      const rows = claimed.rows;
      const settled = await Promise.allSettled(rows.map(async (row) => this.#publish(toRecord(row))));
      const published: string[] = [];
      settled.forEach((outcome, index) => {
        const row = rows[index];
        if (row === undefined) return;
        if (outcome.status === 'fulfilled') {
          published.push(row.seq);
        } else {
          // The row stays in the outbox: the claim's lock ends with this transaction and a later pass retries.
          this.#logger.warn(
            { err: outcome.reason, messageId: row.id, contract: row.contract },
            'outbox relay: publish failed; the event stays in the outbox',
          );
        }
      });
      // A crash from here to COMMIT republishes these rows later: at-least-once, deduplicated by record id.
      if (published.length > 0) await client.query({ ...this.#delete, values: [published] });
      await client.query('COMMIT');
      // Nothing confirmed means the broker is unreachable: back off. One bad row among good ones does not.
      if (rows.length > 0 && published.length === 0) return { kind: 'stuck' };
      return { kind: 'done', full: rows.length === this.#batchSize && published.length === rows.length };
    } catch (error) {
      this.#logger.error({ err: error }, 'outbox relay: pass failed');
      broken = await rollbackQuietly(client, error);
      return { kind: 'stuck' };
    } finally {
      client.release(broken);
    }
  }
}

function toRecord(row: OutboxRow): OutboxRecord {
  return {
    id: row.id,
    contract: row.contract,
    version: row.version,
    payload: row.payload,
    headers: row.headers,
    createdAt: row.created_at,
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`outbox relay: ${name} must be a positive integer (got ${value})`);
  }
  return value;
}
