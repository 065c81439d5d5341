// The talk's exactly-once policy, Postgres half: an idempotency key committed in the same transaction as the
// effect, so a redelivered message is answered from the inbox instead of repeating the effect.
import type { Pool, PoolClient } from 'pg';

import { busTables } from './bus-tables';
import { ClaimedBatch } from './claimed-batch';
import { InboxBatch } from './inbox-batch';
import { type InboxStatements, inboxStatements } from './inbox-statements';
import type { InboxEntry, InboxOptions, InboxOutcome, StoredInboxOutcome } from './inbox-types';
import { type InboxRow, finishedOutcomeOf, parseReply } from './stored-outcome';
import { type PreparedStatement, preparedStatement } from './prepared-statement';
import { rollbackQuietly } from './rollback-quietly';

const DEFAULT_LOCK_TIMEOUT_MS = 2_000;

/** A committed batch: one outcome per entry, and whether any committed entry wrote outbox rows. */
interface Handled<Reply> {
  outcomes: InboxOutcome<Reply>[];
  wroteOutbox: boolean;
}

/**
 * The inbox of one consumer (one exactly-once interface) in one schema. Messages delivered together share one
 * transaction, which roughly doubles throughput over a transaction per message; each handler's writes run under
 * a savepoint of their own, so one failure does not undo the others. The batch claims its keys in one statement
 * and stores its outcomes in another sent with COMMIT ({@link ClaimedBatch}); when that cannot work out, it is
 * handled again entry by entry ({@link InboxBatch}).
 */
export class Inbox {
  readonly #pool: Pool;
  readonly #consumer: string;
  readonly #statements: InboxStatements;
  readonly #readOutcome: PreparedStatement;
  readonly #listeners: (() => void)[] = [];

  constructor(options: InboxOptions) {
    if (options.consumer.length === 0) throw new Error('inbox: consumer must not be empty');
    this.#pool = options.pool;
    this.#consumer = options.consumer;
    this.#statements = inboxStatements(options.schema, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    this.#readOutcome = preparedStatement(
      'inbox_read_outcome',
      `SELECT request_hash, status, reply::text AS reply, error
       FROM ${busTables(options.schema).inbox} WHERE consumer = $1 AND idempotency_key = $2`,
    );
  }

  /**
   * Handles `entries` in one transaction, one after another in order, each handler under a savepoint, and resolves with
   * one outcome per entry in the same order. Never rejects: if the transaction cannot be used or COMMIT fails,
   * every entry is `failed` (nothing committed, or the outcome is unknown and a redelivery will replay it).
   * After a commit that wrote outbox rows, calls the {@link onOutboxWritten} listeners.
   *
   * Keep batches to a few dozen entries: each entry whose handler writes is a subtransaction, and Postgres
   * tracks more than 64 per transaction in a slower way that every other session's snapshots pay for.
   */
  async processBatch<Reply>(entries: readonly InboxEntry<Reply>[]): Promise<InboxOutcome<Reply>[]> {
    if (entries.length === 0) return [];
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      return entries.map(() => ({ kind: 'failed', error }));
    }
    let broken: Error | undefined;
    try {
      const claimed = ClaimedBatch.accepts(entries);
      let handled = claimed ? await this.#processClaimed(client, entries) : undefined;
      handled ??= await this.#processPerEntry(client, entries, claimed);
      if (handled.wroteOutbox) this.#notifyOutboxWritten();
      return handled.outcomes;
    } catch (error) {
      broken = await rollbackQuietly(client, error);
      return entries.map(() => ({ kind: 'failed', error }));
    } finally {
      // A session whose state we could not restore is destroyed rather than handed to the next batch.
      client.release(broken);
    }
  }

  /** The fast path; undefined when the batch must be handled again on the per-entry path (nothing committed). */
  async #processClaimed<Reply>(
    client: PoolClient,
    entries: readonly InboxEntry<Reply>[],
  ): Promise<Handled<Reply> | undefined> {
    const batch = new ClaimedBatch(client, this.#statements, this.#consumer);
    if (!(await batch.claim(entries))) return undefined;
    const outcomes: InboxOutcome<Reply>[] = [];
    for (const entry of entries) outcomes.push(await batch.handle(entry));
    // A failed final write rolls the whole batch back, handlers included: they run again on the per-entry
    // path, which is allowed (nothing of the first run committed) and isolates the entry whose outcome failed.
    if (!(await batch.commit())) return undefined;
    return { outcomes, wroteOutbox: batch.wroteOutbox };
  }

  /** Each entry claims its key and stores its outcome itself; `restart` ends what the fast path left open. */
  async #processPerEntry<Reply>(
    client: PoolClient,
    entries: readonly InboxEntry<Reply>[],
    restart: boolean,
  ): Promise<Handled<Reply>> {
    await client.query(restart ? this.#statements.restart : this.#statements.begin);
    const batch = new InboxBatch(client, this.#statements, this.#consumer);
    const outcomes: InboxOutcome<Reply>[] = [];
    for (const entry of entries) outcomes.push(await batch.handle(entry));
    await client.query('COMMIT');
    return { outcomes, wroteOutbox: batch.wroteOutbox };
  }

  /** The committed outcome of a key, for a caller whose call ended with "outcome unknown". */
  async readOutcome(idempotencyKey: string): Promise<StoredInboxOutcome> {
    const found = await this.#pool.query<InboxRow>({
      ...this.#readOutcome,
      values: [this.#consumer, idempotencyKey],
    });
    const row = found.rows[0];
    const stored = row === undefined ? undefined : finishedOutcomeOf(row);
    if (stored === undefined) return { status: 'unknown' };
    if (stored.status === 'rejected') return stored;
    return { status: 'replied', reply: parseReply(stored.replyJson) };
  }

  /** Registers a listener called after each commit that wrote outbox rows (the relay's `poke`). */
  onOutboxWritten(listener: () => void): void {
    this.#listeners.push(listener);
  }

  #notifyOutboxWritten(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch {
        // A listener only speeds the relay up; its failure must not turn a committed batch into a failure,
        // and the relay's own polling still publishes the rows.
      }
    }
  }
}
