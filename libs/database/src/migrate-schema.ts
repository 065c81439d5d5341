// Creates a node family's schema and runs its SQL migrations with node-pg-migrate.
import { runner } from 'node-pg-migrate';
import type { Pool } from 'pg';
import type { Logger } from 'pino';

// node-pg-migrate splices the schema name into its SQL without quoting it, so only plain names are allowed.
const plainSchemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/** What to migrate: the SQL files of `dir` into `schema`, recorded in `<schema>.<migrationsTable>`. */
export interface MigrateSchemaOptions {
  schema: string;
  /** Folder of `.sql` migration files (`-- Up Migration` / `-- Down Migration` sections). */
  dir: string;
  migrationsTable: string;
  /** Receives node-pg-migrate's progress at debug level; silent when omitted. */
  logger?: Logger;
}

/**
 * Runs the migrations of `dir` in `schema`, creating the schema if needed. Safe when several nodes start at
 * once: node-pg-migrate's advisory lock makes the others wait, then they find nothing left to run. `schema`
 * must be a plain lower-case SQL name; anything else is rejected before any SQL runs.
 */
export async function migrateSchema(pool: Pool, options: MigrateSchemaOptions): Promise<void> {
  const { schema, dir, migrationsTable, logger } = options;
  if (!plainSchemaName.test(schema)) {
    throw new Error(`migrateSchema: schema "${schema}" must match ${plainSchemaName.source}`);
  }
  const client = await pool.connect();
  try {
    await runner({
      dbClient: client,
      schema,
      createSchema: true,
      migrationsTable,
      dir,
      direction: 'up',
      // The default ('fail') would make every node but the first crash when a cluster starts at once.
      advisoryLockMode: 'wait',
      singleTransaction: true,
      checkOrder: true,
      logger: {
        debug: (message: string) => logger?.debug(message),
        info: (message: string) => logger?.debug(message),
        warn: (message: string) => logger?.warn(message),
        error: (message: string) => logger?.error(message),
      },
    });
  } finally {
    // The runner changes this session's search_path, so the session must not go back to the pool.
    client.release(true);
  }
}
