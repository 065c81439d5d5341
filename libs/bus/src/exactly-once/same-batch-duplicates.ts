// How a batch answers an entry from what an earlier entry with the same key, or the stored row, left behind.
// Shared by the claimed batch and the per-entry path, so both answer duplicates the same way.
import type { InboxOutcome } from './inbox-types';
import { type FinishedOutcome, type InboxRow, finishedOutcomeOf, parseReply } from './stored-outcome';

/** What an earlier entry of the same batch left for a later one with the same key. */
export interface Earlier {
  requestHash: string;
  outcome: FinishedOutcome | 'in-progress' | 'retry';
}

/** An entry's outcome and, when there is one, the finished outcome now stored for its key. */
export interface Ran<Reply> {
  result: InboxOutcome<Reply>;
  stored?: FinishedOutcome;
}

/** What a later entry with the same key should learn from `ran`. */
export function remembered(ran: Ran<unknown>): Earlier['outcome'] {
  if (ran.stored !== undefined) return ran.stored;
  // A key another transaction holds is still held a moment later; waiting again would only add a timeout.
  if (ran.result.kind === 'in-progress') return 'in-progress';
  // After a failure or a conflict, a later entry with the key asks again.
  return 'retry';
}

/** The answer for a duplicate within the batch, or undefined when it must be handled itself. */
export function answerFromEarlier<Reply>(
  earlier: Earlier,
  requestHash: string,
): InboxOutcome<Reply> | undefined {
  if (earlier.outcome === 'retry') return undefined;
  if (earlier.outcome === 'in-progress') return { kind: 'in-progress' };
  if (earlier.requestHash !== requestHash) return { kind: 'conflict' };
  return replay<Reply>(earlier.outcome);
}

/**
 * The answer for a key another transaction stored: a replay, a conflict, or in-progress when the row is gone
 * (deleted between the claim and the read) or not finished (only its own transaction sees such a row).
 */
export function answerFromStoredRow<Reply>(row: InboxRow | undefined, requestHash: string): Ran<Reply> {
  if (row === undefined) return { result: { kind: 'in-progress' } };
  if (row.request_hash !== requestHash) return { result: { kind: 'conflict' } };
  const stored = finishedOutcomeOf(row);
  if (stored === undefined) return { result: { kind: 'in-progress' } };
  return { result: replay<Reply>(stored), stored };
}

function replay<Reply>(stored: FinishedOutcome): InboxOutcome<Reply> {
  if (stored.status === 'rejected') return { kind: 'rejected', error: stored.error, replayed: true };
  // A replayed reply is the JSON the first attempt stored; the consumer validates replies against the contract.
  return { kind: 'replied', reply: parseReply(stored.replyJson) as Reply, replayed: true };
}
