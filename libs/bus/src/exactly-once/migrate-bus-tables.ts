// Creates and upgrades the exactly-once tables in a node's schema with node-pg-migrate.
import { resolve } from 'node:path';

import { migrateSchema } from '@trellis/database';
import type { Pool } from 'pg';
import type { Logger } from 'pino';

/** The SQL migration files; resolved from this file so it works from `src/` and from `dist/` alike. */
const migrationsDir = resolve(__dirname, '../../migrations');

/** The migrations table, kept apart from any migrations table of the node's own domain tables. */
const migrationsTable = 'trellis_bus_migrations';

/** Options of {@link migrateBusTables}. */
export interface MigrateBusTablesOptions {
  /** Receives node-pg-migrate's progress lines at debug level (warnings at warn); silent when omitted. */
  logger?: Logger;
}

/**
 * Runs the bus's SQL migrations (libs/bus/migrations) in `schema`, creating the schema if needed and recording
 * them in `<schema>.trellis_bus_migrations`. Safe when several nodes start at once: node-pg-migrate's advisory
 * lock makes the others wait, then they find nothing left to run. `schema` must be a plain lower-case SQL name
 * (`[a-z_][a-z0-9_]*`); anything else is rejected before any SQL runs.
 */
export async function migrateBusTables(
  pool: Pool,
  schema: string,
  options: MigrateBusTablesOptions = {},
): Promise<void> {
  await migrateSchema(pool, {
    schema,
    dir: migrationsDir,
    migrationsTable,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
