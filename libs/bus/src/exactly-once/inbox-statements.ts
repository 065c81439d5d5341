// The SQL of the inbox hot path, built once per Inbox so each message only sends parameters.
import { busTables } from './bus-tables';
import { type PreparedStatement, preparedStatement } from './prepared-statement';

/** The savepoint each entry runs under; one name is enough, ROLLBACK TO always targets the newest. */
export const ENTRY_SAVEPOINT = 'trellis_inbox_entry';

/** The statements of one inbox (one schema, one lock timeout). */
export interface InboxStatements {
  /** BEGIN, the lock timeout and the first entry's savepoint, sent as one simple query (one round trip). */
  readonly begin: string;
  /** BEGIN and the lock timeout without a savepoint: the claimed batch's first statements. */
  readonly beginWithoutSavepoint: string;
  /** Abandons the transaction (usable or not) and opens a new one as {@link begin} does: one round trip. */
  readonly restart: string;
  /** The quoted, schema-qualified inbox table, for the claimed batch's statements. */
  readonly inbox: string;
  readonly savepoint: string;
  readonly rollbackToSavepoint: string;
  /** $1 consumer, $2 key, $3 request hash, $4 status, $5 error json. Row count 0 means the key was taken. */
  readonly claim: PreparedStatement;
  /** $1 consumer, $2 key → request_hash, status, reply (text), error. */
  readonly stored: PreparedStatement;
  /** $1 consumer, $2 keys (text[]) → idempotency_key, request_hash, status, reply (text), error. */
  readonly storedMany: PreparedStatement;
  /**
   * The claimed batch's final write: $1 consumer, then one text[] each of keys, request hashes, statuses
   * ('replied', 'rejected', or 'gone' to delete the claim), reply json and error json.
   */
  readonly finish: PreparedStatement;
  /** $1 consumer, $2 key, $3 reply json. */
  readonly reply: PreparedStatement;
  /** $1 contract, $2 version, $3 payload json, $4 headers json. */
  readonly emit: PreparedStatement;
}

/** Builds the statements for `schema`; `lockTimeoutMs` must be a positive integer (it is spliced into SQL). */
export function inboxStatements(schema: string, lockTimeoutMs: number): InboxStatements {
  if (!Number.isSafeInteger(lockTimeoutMs) || lockTimeoutMs < 1) {
    throw new Error(`inbox: lockTimeoutMs must be a positive integer (got ${lockTimeoutMs})`);
  }
  const { inbox, outbox } = busTables(schema);
  // READ COMMITTED is required, not a default we rely on: after waiting on a key, the lookup of the stored
  // row must see the other transaction's commit, which a REPEATABLE READ snapshot would hide.
  const beginWithoutSavepoint = `BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = ${lockTimeoutMs}`;
  const begin = `${beginWithoutSavepoint}; SAVEPOINT ${ENTRY_SAVEPOINT}`;
  return {
    begin,
    beginWithoutSavepoint,
    // ROLLBACK outside a transaction only warns, so this works whatever state the session was left in.
    restart: `ROLLBACK; ${begin}`,
    inbox,
    savepoint: `SAVEPOINT ${ENTRY_SAVEPOINT}`,
    rollbackToSavepoint: `ROLLBACK TO SAVEPOINT ${ENTRY_SAVEPOINT}`,
    claim: preparedStatement(
      'inbox_claim',
      `INSERT INTO ${inbox} (consumer, idempotency_key, request_hash, status, error)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (consumer, idempotency_key) DO NOTHING`,
    ),
    stored: preparedStatement(
      'inbox_stored',
      `SELECT request_hash, status, reply::text AS reply, error
       FROM ${inbox} WHERE consumer = $1 AND idempotency_key = $2`,
    ),
    storedMany: preparedStatement(
      'inbox_stored_many',
      `SELECT idempotency_key, request_hash, status, reply::text AS reply, error
       FROM ${inbox} WHERE consumer = $1 AND idempotency_key = ANY($2::text[])`,
    ),
    finish: preparedStatement(
      'inbox_finish',
      `WITH v AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
           AS v (idempotency_key, request_hash, status, reply, error)
       ), gone AS (
         DELETE FROM ${inbox} AS i USING v
         WHERE i.consumer = $1 AND i.idempotency_key = v.idempotency_key AND v.status = 'gone'
       )
       UPDATE ${inbox} AS i
       SET request_hash = v.request_hash, status = v.status, reply = v.reply::jsonb, error = v.error::jsonb
       FROM v WHERE i.consumer = $1 AND i.idempotency_key = v.idempotency_key AND v.status <> 'gone'`,
    ),
    reply: preparedStatement(
      'inbox_reply',
      `UPDATE ${inbox} SET status = 'replied', reply = $3::jsonb
       WHERE consumer = $1 AND idempotency_key = $2`,
    ),
    emit: preparedStatement(
      'outbox_emit',
      `INSERT INTO ${outbox} (contract, version, payload, headers) VALUES ($1, $2, $3::jsonb, $4::jsonb)`,
    ),
  };
}
