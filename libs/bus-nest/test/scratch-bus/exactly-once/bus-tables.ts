// Schema-qualified, quoted names of the exactly-once tables, so no caller ever splices a schema into SQL.
import { escapeIdentifier } from 'pg';

/** The quoted, schema-qualified names of the bus tables in one schema. */
export interface BusTables {
  readonly inbox: string;
  readonly outbox: string;
}

/**
 * Names the bus tables of `schema`. The schema is quoted with pg's `escapeIdentifier`, so any string is safe
 * here; {@link migrateBusTables} is stricter because node-pg-migrate does not quote it.
 */
export function busTables(schema: string): BusTables {
  if (schema.length === 0) throw new Error('bus tables: schema must not be empty');
  const quoted = escapeIdentifier(schema);
  return {
    inbox: `${quoted}.trellis_bus_inbox`,
    outbox: `${quoted}.trellis_bus_outbox`,
  };
}
