import { escapeIdentifier, Pool } from 'pg';
import type { PoolClient, QueryResultRow } from 'pg';
import type { Logger } from 'pino';
import { migrateSchema } from './migrate-schema';

/** Runs statements: the pool, or the client of a transaction. */
export interface Queryable {
  /** Rows of one parameterised statement (`$1`, `$2`… bound to `values`). */
  query<Row extends QueryResultRow>(text: string, values?: readonly unknown[]): Promise<Row[]>;
}

/** A node family's database: its own schema (on the search path of every session) and its pool. */
export interface Database extends Queryable {
  readonly schema: string;
  /** The pool, for the bus's exactly-once inbox and outbox (which live in the same schema). */
  readonly pool: Pool;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs the family's SQL migrations (a folder of `.sql` files) once per schema, safe under concurrent starts. */
  migrate(dir: string, logger?: Logger): Promise<void>;
  close(): Promise<void>;
}

/** Where a family's data lives. */
export interface DatabaseOptions {
  /** postgresql:// URL of the database (shared by the families; each has its own schema in it). */
  url: string;
  /** The family's schema, e.g. `catalog`; created when missing. */
  schema: string;
  /** Connections at most (default 10). */
  maxConnections?: number;
}

function queryableOf(client: Pool | PoolClient): Queryable {
  return {
    query: async <Row extends QueryResultRow>(text: string, values: readonly unknown[] = []) =>
      (await client.query<Row>(text, [...values])).rows,
  };
}

/**
 * Opens a family's database. Every session of the pool has the family's schema first on its search path, so
 * the family's SQL names its tables unqualified and no two families share a table.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const pool = new Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${escapeIdentifier(options.schema)},public`,
  });
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(options.schema)}`);
  return {
    schema: options.schema,
    pool,
    ...queryableOf(pool),
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(queryableOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    migrate: (dir, logger) =>
      migrateSchema(pool, {
        schema: options.schema,
        dir,
        migrationsTable: 'migrations',
        ...(logger === undefined ? {} : { logger }),
      }),
    close: () => pool.end(),
  };
}
