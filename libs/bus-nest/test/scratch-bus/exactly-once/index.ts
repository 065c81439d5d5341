// Public API of the exactly-once policy's Postgres half: inbox, transactional outbox, relay, retention.

/** Creates and upgrades the inbox and outbox tables in a node's schema. */
export { migrateBusTables } from './migrate-bus-tables';
/** Options of `migrateBusTables` (a logger for node-pg-migrate's progress). */
export type { MigrateBusTablesOptions } from './migrate-bus-tables';

/** Handles the messages delivered together in one transaction, answering duplicates from stored outcomes. */
export { Inbox } from './inbox';
/** The inbox's entries, outcomes, per-entry transaction and options. */
export type {
  InboxEntry,
  InboxOptions,
  InboxOutcome,
  InboxTransaction,
  StoredInboxOutcome,
} from './inbox-types';
/** The request hash stored beside each idempotency key. */
export { hashRequest } from './hash-request';

/** Events written in a handler's transaction and the committed rows the relay publishes. */
export type { OutboxDraft, OutboxRecord } from './outbox-record';
/** Publishes committed outbox rows and deletes them once the broker confirmed. */
export { OutboxRelay } from './outbox-relay';
/** Options of `OutboxRelay`. */
export type { OutboxRelayOptions } from './outbox-relay';

/** Deletes inbox rows older than the retention period. */
export { InboxRetention } from './inbox-retention';
/** Options of `InboxRetention`. */
export type { InboxRetentionOptions } from './inbox-retention';
