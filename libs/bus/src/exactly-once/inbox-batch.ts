// The per-entry path: handles the entries of one batch inside an open transaction, each under its own savepoint.
// The inbox takes it when the claimed batch cannot claim all keys at once (a key held past the lock timeout,
// a deadlock, a key Postgres refuses) or cannot store the batch's outcomes in one statement.
import { TrellisError, toErrorData } from '@trellis/contracts';
import type { PoolClient } from 'pg';

import { EntryTransaction } from './entry-transaction';
import type { InboxStatements } from './inbox-statements';
import type { InboxEntry, InboxOutcome } from './inbox-types';
import { isLockWaitAbandoned } from './pg-error';
import {
  type Earlier,
  type Ran,
  answerFromEarlier,
  answerFromStoredRow,
  remembered,
} from './same-batch-duplicates';
import { type InboxRow, serialiseReply } from './stored-outcome';

/** What claiming a key found. */
type Claim =
  | { kind: 'claimed' }
  | { kind: 'found'; row: InboxRow }
  | { kind: 'in-progress' }
  | { kind: 'failed'; error: unknown };

/**
 * One batch's pass over its entries. Per message it costs at most: SAVEPOINT, the claiming INSERT, the handler's
 * own statements and the UPDATE that stores the reply. Savepoints are never released: releasing would cost a
 * round trip and buys nothing, since ROLLBACK TO targets the newest one and COMMIT ends them all. A savepoint
 * with nothing after it (a replay, a rollback) is reused by the next entry instead of taking a new one.
 */
export class InboxBatch {
  /** Whether the newest savepoint has nothing after it worth keeping (the BEGIN query takes the first one). */
  #savepointClean = true;
  #emitted = false;
  readonly #earlier = new Map<string, Earlier>();

  constructor(
    private readonly client: PoolClient,
    private readonly statements: InboxStatements,
    private readonly consumer: string,
  ) {}

  /** Whether an entry that will commit wrote outbox rows. */
  get wroteOutbox(): boolean {
    return this.#emitted;
  }

  /**
   * Handles one entry. Resolves with its outcome; rejects only when the transaction itself is unusable (a
   * savepoint could not be taken or restored), in which case nothing of the batch can commit.
   */
  async handle<Reply>(entry: InboxEntry<Reply>): Promise<InboxOutcome<Reply>> {
    const earlier = this.#earlier.get(entry.idempotencyKey);
    if (earlier !== undefined) {
      const answer = answerFromEarlier<Reply>(earlier, entry.requestHash);
      if (answer !== undefined) return answer;
    }
    const outcome = await this.run(entry);
    this.#earlier.set(entry.idempotencyKey, { requestHash: entry.requestHash, outcome: remembered(outcome) });
    return outcome.result;
  }

  private async run<Reply>(entry: InboxEntry<Reply>): Promise<Ran<Reply>> {
    const claim = await this.claim(entry, 'pending', null);
    if (claim.kind !== 'claimed') return this.notClaimed(claim, entry.requestHash);

    const tx = new EntryTransaction(this.client, this.statements.emit);
    let replyJson: string | null;
    let reply: Reply;
    try {
      reply = await entry.handle(tx);
      tx.close();
      replyJson = serialiseReply(reply);
      await this.client.query({
        ...this.statements.reply,
        values: [this.consumer, entry.idempotencyKey, replyJson],
      });
    } catch (error) {
      tx.close();
      return this.afterThrow(entry, error);
    }
    if (tx.emitted > 0) this.#emitted = true;
    return { result: { kind: 'replied', reply, replayed: false }, stored: { status: 'replied', replyJson } };
  }

  /** The handler (or storing its reply) threw: undo the entry, then store a non-retryable rejection. */
  private async afterThrow<Reply>(entry: InboxEntry<Reply>, error: unknown): Promise<Ran<Reply>> {
    await this.rollbackToSavepoint();
    if (!(error instanceof TrellisError) || error.retryable) return { result: { kind: 'failed', error } };

    const errorData = toErrorData(error);
    // The rollback also removed the claim, so a duplicate waiting on the key may have taken it meanwhile.
    // Storing the rejection is therefore a second claim: if another attempt got there first, its outcome is
    // the answer, which keeps every attempt of a key answered the same way.
    const claim = await this.claim(entry, 'rejected', JSON.stringify(errorData));
    if (claim.kind !== 'claimed') return this.notClaimed(claim, entry.requestHash);
    return {
      result: { kind: 'rejected', error: errorData, replayed: false },
      stored: { status: 'rejected', error: errorData },
    };
  }

  /**
   * INSERT ... ON CONFLICT DO NOTHING. If another uncommitted transaction inserted the key, Postgres makes this
   * wait on the unique index: its commit turns ours into a conflict, its rollback lets ours insert, and
   * lock_timeout (or the deadlock detector) abandons the wait, which the savepoint recovers from.
   */
  private async claim(
    entry: InboxEntry<unknown>,
    status: 'pending' | 'rejected',
    errorJson: string | null,
  ): Promise<Claim> {
    if (!this.#savepointClean) {
      await this.client.query(this.statements.savepoint);
      this.#savepointClean = true;
    }
    const key = [this.consumer, entry.idempotencyKey];
    try {
      const inserted = await this.client.query({
        ...this.statements.claim,
        values: [...key, entry.requestHash, status, errorJson],
      });
      if (inserted.rowCount === 1) {
        this.#savepointClean = false;
        return { kind: 'claimed' };
      }
      // A separate statement on purpose: in READ COMMITTED it takes a new snapshot, which sees the commit we
      // waited for; a CTE in the INSERT would share the INSERT's older snapshot and find nothing.
      const found = await this.client.query<InboxRow>({ ...this.statements.stored, values: key });
      const row = found.rows[0];
      // Deleted between the two statements (retention, in practice never): let the message come back later.
      if (row === undefined) return { kind: 'in-progress' };
      return { kind: 'found', row };
    } catch (error) {
      await this.rollbackToSavepoint();
      return isLockWaitAbandoned(error) ? { kind: 'in-progress' } : { kind: 'failed', error };
    }
  }

  private notClaimed<Reply>(claim: Exclude<Claim, { kind: 'claimed' }>, requestHash: string): Ran<Reply> {
    if (claim.kind === 'in-progress') return { result: { kind: 'in-progress' } };
    if (claim.kind === 'failed') return { result: { kind: 'failed', error: claim.error } };
    return answerFromStoredRow<Reply>(claim.row, requestHash);
  }

  private async rollbackToSavepoint(): Promise<void> {
    await this.client.query(this.statements.rollbackToSavepoint);
    this.#savepointClean = true;
  }
}
