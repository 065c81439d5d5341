// Handles the entries of one batch inside an open transaction, each under its own savepoint.
import { TrellisError, toErrorData } from '@trellis/contracts';
import type { PoolClient } from 'pg';

import { EntryTransaction } from './entry-transaction';
import type { InboxStatements } from './inbox-statements';
import type { InboxEntry, InboxOutcome } from './inbox-types';
import { isLockWaitAbandoned } from './pg-error';
import {
  type FinishedOutcome,
  type InboxRow,
  finishedOutcomeOf,
  parseReply,
  serialiseReply,
} from './stored-outcome';

/** What claiming a key found. */
type Claim =
  | { kind: 'claimed' }
  | { kind: 'found'; row: InboxRow }
  | { kind: 'in-progress' }
  | { kind: 'failed'; error: unknown };

/** What an earlier entry of the same batch left for a later one with the same key. */
interface Earlier {
  requestHash: string;
  outcome: FinishedOutcome | 'in-progress' | 'retry';
}

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
    if (claim.row.request_hash !== requestHash) return { result: { kind: 'conflict' } };
    const stored = finishedOutcomeOf(claim.row);
    // Unfinished rows are only visible to the transaction that wrote them, which is not this one.
    if (stored === undefined) return { result: { kind: 'in-progress' } };
    return { result: replay<Reply>(stored), stored };
  }

  private async rollbackToSavepoint(): Promise<void> {
    await this.client.query(this.statements.rollbackToSavepoint);
    this.#savepointClean = true;
  }
}

/** An entry's outcome and, when there is one, the finished outcome now stored for its key. */
interface Ran<Reply> {
  result: InboxOutcome<Reply>;
  stored?: FinishedOutcome;
}

function remembered(ran: Ran<unknown>): Earlier['outcome'] {
  if (ran.stored !== undefined) return ran.stored;
  // A key another transaction holds is still held a moment later; waiting again would only add a timeout.
  if (ran.result.kind === 'in-progress') return 'in-progress';
  // After a failure or a conflict, a later entry with the key asks the database again.
  return 'retry';
}

/** The answer for a duplicate within the batch, or undefined when the database must be asked. */
function answerFromEarlier<Reply>(earlier: Earlier, requestHash: string): InboxOutcome<Reply> | undefined {
  if (earlier.outcome === 'retry') return undefined;
  if (earlier.outcome === 'in-progress') return { kind: 'in-progress' };
  if (earlier.requestHash !== requestHash) return { kind: 'conflict' };
  return replay<Reply>(earlier.outcome);
}

function replay<Reply>(stored: FinishedOutcome): InboxOutcome<Reply> {
  if (stored.status === 'rejected') return { kind: 'rejected', error: stored.error, replayed: true };
  // A replayed reply is the JSON the first attempt stored; the consumer validates replies against the contract.
  return { kind: 'replied', reply: parseReply(stored.replyJson) as Reply, replayed: true };
}
