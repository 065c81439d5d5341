import type { ErrorData } from '@trellis/contracts';
import type { Pool, PoolClient } from 'pg';

import type { OutboxDraft } from './outbox-record';

/** What a handler gets: the batch's transaction, positioned at its own savepoint. */
export interface InboxTransaction {
  /**
   * The handler's own writes go through this client, inside the same transaction as the inbox row, so they
   * commit or roll back together. Never end the transaction or release the client here.
   */
  readonly client: PoolClient;
  /** Writes an event to the transactional outbox: published only if this transaction commits. */
  emit(record: OutboxDraft): Promise<void>;
}

/** One message of an exactly-once interface, as the consumer hands it to the inbox. */
export interface InboxEntry<Reply> {
  idempotencyKey: string;
  /** {@link hashRequest} of the request; the same key with another hash is a conflict. */
  requestHash: string;
  /** The effect. Runs at most once per key among committed transactions. */
  handle(tx: InboxTransaction): Promise<Reply>;
}

/**
 * How one entry ended. `replayed` means the answer is the stored outcome of an earlier attempt (its JSON form:
 * a replayed reply has been through `JSON.stringify`/`JSON.parse`).
 * - `replied`: the handler returned (now or earlier).
 * - `rejected`: the handler threw a non-retryable TrellisError; its writes were undone and the error stored.
 * - `conflict`: the key is stored with another request hash (the caller gets `BusErrors.idempotencyConflict`).
 * - `in-progress`: another transaction holds the key and did not finish within the lock timeout.
 * - `failed`: retryable or unexpected error; nothing of this entry committed, so it can be delivered again.
 */
export type InboxOutcome<Reply> =
  | { kind: 'replied'; reply: Reply; replayed: boolean }
  | { kind: 'rejected'; error: ErrorData; replayed: boolean }
  | { kind: 'conflict' }
  | { kind: 'in-progress' }
  | { kind: 'failed'; error: unknown };

/** What {@link Inbox.readOutcome} finds for a key: only committed outcomes are ever visible. */
export type StoredInboxOutcome =
  { status: 'replied'; reply: unknown } | { status: 'rejected'; error: ErrorData } | { status: 'unknown' };

/** Options of an {@link Inbox}. */
export interface InboxOptions {
  pool: Pool;
  /** The node's own schema, holding the tables created by {@link migrateBusTables}. */
  schema: string;
  /** The interface the keys belong to, e.g. `orders.place`: keys are unique per consumer. */
  consumer: string;
  /** How long an entry waits for another transaction holding its key (and any lock); default 2000 ms. */
  lockTimeoutMs?: number;
}
