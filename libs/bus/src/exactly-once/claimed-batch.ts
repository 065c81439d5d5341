// The inbox's fast path: a batch claims all its keys in one statement (sent with BEGIN) and stores all its
// outcomes in one statement (queued with COMMIT), so an entry whose handler writes nothing costs no round trip.
import { TrellisError, toErrorData } from '@trellis/contracts';
import { escapeLiteral, type PoolClient, type QueryResult } from 'pg';

import { EntryClient } from './entry-client';
import { EntryTransaction } from './entry-transaction';
import type { InboxStatements } from './inbox-statements';
import type { InboxEntry, InboxOutcome } from './inbox-types';
import {
  type Earlier,
  type Ran,
  answerFromEarlier,
  answerFromStoredRow,
  remembered,
} from './same-batch-duplicates';
import { type InboxRow, isStorableAsJsonb, serialiseReply } from './stored-outcome';

/** What the final write stores for a key this batch claimed; `gone` deletes the claim (no entry of the key finished). */
type Finish =
  | { status: 'gone' }
  | { status: 'replied'; requestHash: string; replyJson: string | null }
  | { status: 'rejected'; requestHash: string; errorJson: string };

/**
 * One batch on the fast path: three round trips whatever its size (BEGIN with the claim, the final write,
 * COMMIT), plus one to read stored outcomes when some key was taken, plus the writing handlers' own. The claim
 * is a simple query with its values as quoted literals, because that is what lets BEGIN share its round trip
 * (pg sends one extended query per round trip); its text is small and cheap to parse.
 *
 * Semantics match the per-entry path: each entry's writes run under a savepoint taken lazily before its first
 * query and rolled back if it fails; a key another transaction holds makes the claim wait for it (READ
 * COMMITTED, so the stored outcome read afterwards sees its commit). Keys stay claimed until COMMIT even for a
 * failed entry (the final write deletes its claim), so a concurrent duplicate waits for this transaction rather
 * than for the entry, then runs. When the claim fails (a key held past the lock timeout, a deadlock, a value Postgres refuses)
 * or the final write does, the caller abandons the transaction and takes the per-entry path, which isolates
 * the entry at fault.
 */
export class ClaimedBatch {
  readonly #held = new Map<string, Finish>();
  readonly #storedByOthers = new Map<string, InboxRow | undefined>();
  readonly #earlier = new Map<string, Earlier>();
  #emitted = false;

  constructor(
    private readonly client: PoolClient,
    private readonly statements: InboxStatements,
    private readonly consumer: string,
  ) {}

  /** Whether the fast path can take these entries: a NUL cannot travel inside a simple query's text. */
  static accepts(entries: readonly InboxEntry<unknown>[]): boolean {
    return entries.every(
      (entry) => !entry.idempotencyKey.includes('\0') && !entry.requestHash.includes('\0'),
    );
  }

  /** Whether an entry that will commit wrote outbox rows. */
  get wroteOutbox(): boolean {
    return this.#emitted;
  }

  /**
   * Opens the transaction and claims every key of the batch. Resolves false when the claim failed; the session
   * is then in an unknown transaction state, which the per-entry path's restart ends.
   */
  async claim(entries: readonly InboxEntry<unknown>[]): Promise<boolean> {
    const hashes = new Map<string, string>();
    for (const entry of entries) {
      if (!hashes.has(entry.idempotencyKey)) hashes.set(entry.idempotencyKey, entry.requestHash);
    }
    const keys = [...hashes.keys()];
    const consumer = escapeLiteral(this.consumer);
    // Sorted, so two batches claiming overlapping keys take them in the same order and never deadlock.
    const claimSql =
      `INSERT INTO ${this.statements.inbox} (consumer, idempotency_key, request_hash, status) ` +
      `SELECT ${consumer}, k, h, 'pending' FROM unnest(${textArray(keys)}, ${textArray([...hashes.values()])}) ` +
      `AS c(k, h) ORDER BY k ON CONFLICT (consumer, idempotency_key) DO NOTHING RETURNING idempotency_key`;
    let inserted: Set<string>;
    try {
      const results = await this.client.query(`${this.statements.beginWithoutSavepoint}; ${claimSql}`);
      inserted = new Set(rowsOfLast<{ idempotency_key: string }>(results).map((row) => row.idempotency_key));
    } catch {
      return false;
    }
    const taken = keys.filter((key) => !inserted.has(key));
    for (const key of inserted) this.#held.set(key, { status: 'gone' });
    if (taken.length === 0) return true;
    try {
      // A statement of its own: in READ COMMITTED it takes a new snapshot, which sees the commits the claim
      // waited for.
      const found = await this.client.query<InboxRow & { idempotency_key: string }>({
        ...this.statements.storedMany,
        values: [this.consumer, taken],
      });
      const rows = new Map(found.rows.map((row) => [row.idempotency_key, row]));
      // A key missing here was deleted after the claim saw it (retention, in practice never): in progress.
      for (const key of taken) this.#storedByOthers.set(key, rows.get(key));
    } catch {
      return false;
    }
    return true;
  }

  /**
   * Handles one entry, after {@link claim} succeeded. Resolves with its outcome; rejects only when the
   * transaction itself is unusable (a savepoint could not be taken or restored).
   */
  async handle<Reply>(entry: InboxEntry<Reply>): Promise<InboxOutcome<Reply>> {
    const earlier = this.#earlier.get(entry.idempotencyKey);
    if (earlier !== undefined) {
      const answer = answerFromEarlier<Reply>(earlier, entry.requestHash);
      if (answer !== undefined) return answer;
    }
    const ran = await this.#run(entry);
    this.#earlier.set(entry.idempotencyKey, { requestHash: entry.requestHash, outcome: remembered(ran) });
    return ran.result;
  }

  /**
   * Stores every claimed key's outcome and commits. Resolves false when the outcomes could not be stored:
   * nothing committed and the session is out of the transaction. Rejects when COMMIT itself failed.
   */
  async commit(): Promise<boolean> {
    if (this.#held.size === 0) {
      await this.client.query('COMMIT');
      return true;
    }
    // Both are queued at once, so COMMIT leaves as soon as the write is done. COMMIT stays a statement of its
    // own: code wrapping the session (fault injection in tests, tracing) recognises it by its text. After a
    // failed write, Postgres answers COMMIT by rolling back.
    const written = this.client.query({ ...this.statements.finish, values: this.#finishValues() });
    const committed = this.client.query('COMMIT');
    const [write, commit] = await Promise.allSettled([written, committed]);
    if (commit.status === 'rejected') throw commit.reason;
    return write.status === 'fulfilled';
  }

  async #run<Reply>(entry: InboxEntry<Reply>): Promise<Ran<Reply>> {
    const key = entry.idempotencyKey;
    if (!this.#held.has(key))
      return answerFromStoredRow<Reply>(this.#storedByOthers.get(key), entry.requestHash);

    const entryClient = new EntryClient(this.client, this.statements.savepoint);
    const tx = new EntryTransaction(entryClient.client, this.statements.emit);
    let outcome: { ok: true; reply: Reply } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, reply: await entry.handle(tx) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    tx.close();
    entryClient.close();
    const { aborted } = await entryClient.settle();
    if (!outcome.ok) return this.#afterFailure(entry, entryClient, outcome.error);
    if (aborted) {
      // The handler caught a failed statement and returned: its writes are incomplete, as the per-entry path's
      // reply UPDATE would have found out.
      const error =
        entryClient.lastError ??
        new Error('inbox: a statement of the handler failed and left the transaction aborted');
      return this.#afterFailure(entry, entryClient, error);
    }
    let replyJson: string | null;
    try {
      replyJson = serialiseReply(outcome.reply);
    } catch (error) {
      return this.#afterFailure(entry, entryClient, error);
    }
    if (replyJson !== null && !isStorableAsJsonb(replyJson)) {
      const error = new Error(
        'inbox: the reply cannot be stored (jsonb refuses \\u0000 and unpaired surrogates)',
      );
      return this.#afterFailure(entry, entryClient, error);
    }
    this.#held.set(key, { status: 'replied', requestHash: entry.requestHash, replyJson });
    if (tx.emitted > 0) this.#emitted = true;
    return {
      result: { kind: 'replied', reply: outcome.reply, replayed: false },
      stored: { status: 'replied', replyJson },
    };
  }

  /** Undoes the entry's writes; stores a non-retryable rejection, or leaves the key to be deleted at COMMIT. */
  async #afterFailure<Reply>(
    entry: InboxEntry<Reply>,
    entryClient: EntryClient,
    error: unknown,
  ): Promise<Ran<Reply>> {
    // Without a query there is no savepoint of this entry, and rolling back would undo an earlier entry.
    if (entryClient.queried) await this.client.query(this.statements.rollbackToSavepoint);
    const key = entry.idempotencyKey;
    this.#held.set(key, { status: 'gone' });
    if (!(error instanceof TrellisError) || error.retryable) return { result: { kind: 'failed', error } };

    // The key is still claimed by this transaction, so the rejection is its outcome, no second claim needed.
    const errorData = toErrorData(error);
    const errorJson = JSON.stringify(errorData);
    if (!isStorableAsJsonb(errorJson)) {
      const storeError = new Error(
        'inbox: the rejection cannot be stored (jsonb refuses \\u0000 and unpaired surrogates)',
      );
      return { result: { kind: 'failed', error: storeError } };
    }
    this.#held.set(key, { status: 'rejected', requestHash: entry.requestHash, errorJson });
    return {
      result: { kind: 'rejected', error: errorData, replayed: false },
      stored: { status: 'rejected', error: errorData },
    };
  }

  /** The columns of the final write, one row per claimed key. */
  #finishValues(): (string | (string | null)[])[] {
    const keys: string[] = [];
    const hashes: (string | null)[] = [];
    const statuses: string[] = [];
    const replies: (string | null)[] = [];
    const errors: (string | null)[] = [];
    for (const [key, finish] of this.#held) {
      keys.push(key);
      statuses.push(finish.status);
      hashes.push(finish.status === 'gone' ? null : finish.requestHash);
      replies.push(finish.status === 'replied' ? finish.replyJson : null);
      errors.push(finish.status === 'rejected' ? finish.errorJson : null);
    }
    return [this.consumer, keys, hashes, statuses, replies, errors];
  }
}

function literal(value: string | null): string {
  return value === null ? 'NULL' : escapeLiteral(value);
}

function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map(literal).join(', ')}]::text[]`;
}

/** The rows of the last statement of a simple query (pg returns one result per statement). */
function rowsOfLast<Row>(results: QueryResult | QueryResult[]): Row[] {
  const last = Array.isArray(results) ? results[results.length - 1] : results;
  return (last?.rows ?? []) as Row[];
}
