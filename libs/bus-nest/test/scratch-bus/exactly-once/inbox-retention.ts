// Deletes old inbox rows so the inbox does not grow without bound.
import type { Pool } from 'pg';
import { type Logger, pino } from 'pino';

import { busTables } from './bus-tables';
import { type PreparedStatement, preparedStatement } from './prepared-statement';

/** Options of an {@link InboxRetention}. */
export interface InboxRetentionOptions {
  pool: Pool;
  schema: string;
  /**
   * How long a key is remembered, e.g. 7 days. It must exceed the longest time a duplicate can still arrive
   * (every retry and redelivery of a call): a duplicate of a forgotten key runs the effect again.
   */
  retentionMs: number;
  /** Pause between sweeps; default 10 minutes. */
  intervalMs?: number;
  /** Rows deleted per statement, so one sweep never holds many locks or a long transaction; default 1000. */
  batchSize?: number;
  logger?: Logger;
}

const DEFAULT_INTERVAL_MS = 10 * 60_000;
const DEFAULT_BATCH_SIZE = 1_000;

/** Periodically deletes inbox rows older than the retention period, in bounded batches. */
export class InboxRetention {
  readonly #pool: Pool;
  readonly #retentionSeconds: number;
  readonly #intervalMs: number;
  readonly #batchSize: number;
  readonly #logger: Logger;
  readonly #delete: PreparedStatement;

  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #sweep: Promise<unknown> | undefined;

  constructor(options: InboxRetentionOptions) {
    this.#pool = options.pool;
    this.#retentionSeconds = positive('retentionMs', options.retentionMs) / 1_000;
    this.#intervalMs = positive('intervalMs', options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.#batchSize = positive('batchSize', options.batchSize ?? DEFAULT_BATCH_SIZE);
    this.#logger = options.logger ?? pino({ name: 'inbox-retention' });
    const { inbox } = busTables(options.schema);
    // SKIP LOCKED: a row an in-flight batch is replaying is simply left for the next sweep.
    this.#delete = preparedStatement(
      'inbox_retention',
      `DELETE FROM ${inbox} AS i
       USING (
         SELECT consumer, idempotency_key FROM ${inbox}
         WHERE created_at < now() - make_interval(secs => $1)
         ORDER BY created_at LIMIT $2
         FOR UPDATE SKIP LOCKED
       ) AS old
       WHERE i.consumer = old.consumer AND i.idempotency_key = old.idempotency_key`,
    );
  }

  /** Starts sweeping every `intervalMs`, with a first sweep at once. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops sweeping; a sweep in flight ends after its current batch. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#sweep;
  }

  /** Deletes every row older than the retention period, a batch per statement; resolves with the count. */
  async sweepOnce(): Promise<number> {
    return this.#sweepWhile(() => true);
  }

  async #sweepWhile(keepGoing: () => boolean): Promise<number> {
    let deleted = 0;
    for (;;) {
      const result = await this.#pool.query({
        ...this.#delete,
        values: [this.#retentionSeconds, this.#batchSize],
      });
      const count = result.rowCount ?? 0;
      deleted += count;
      // A short batch means the old rows are gone (rows keep getting younger than the cut-off, never older).
      if (count < this.#batchSize || !keepGoing()) return deleted;
    }
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#sweep = this.#sweepWhile(() => this.#running)
        .then(
          (deleted) => this.#logger.debug({ deleted }, 'inbox retention: sweep done'),
          (error: unknown) => this.#logger.warn({ err: error }, 'inbox retention: sweep failed'),
        )
        .finally(() => {
          this.#sweep = undefined;
          if (this.#running) this.#schedule(this.#intervalMs);
        });
    }, delayMs);
    // Housekeeping alone should not keep a process alive.
    this.#timer.unref();
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`inbox retention: ${name} must be a positive number (got ${value})`);
  }
  return value;
}
