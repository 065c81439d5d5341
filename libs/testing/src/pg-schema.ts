import { Client, Pool } from 'pg';

import { uniqueName } from './unique-name';

/** The local test database; trust authentication, so no password. */
const DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/test';

/** A throwaway PostgreSQL schema owned by one test file. */
export interface PgSchema {
  /** The schema name, `trellis_test_<label>_<random>`. */
  readonly schema: string;
  /** A connection string whose sessions use this schema as their `search_path`. */
  readonly connectionString: string;
  /** A pool built from `connectionString`; unqualified table names land in the schema. */
  readonly pool: Pool;
  /** Ends the pool and drops the schema with everything in it; safe to call more than once. */
  drop(): Promise<void>;
}

async function withAdminClient(run: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh schema in the `test` database on 127.0.0.1:5432 (user postgres) and a pool bound to it.
 * Create it in `beforeAll` and drop it in `afterAll`, so tests can run in any order.
 */
export async function createPgSchema(label: string): Promise<PgSchema> {
  const schema = uniqueName('trellis_test', label, '_');
  // The name is built from [a-z0-9_] only, so quoting it is enough to make it safe in SQL.
  await withAdminClient((client) => client.query(`CREATE SCHEMA "${schema}"`));
  const connectionString = `${DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const pool = new Pool({ connectionString });
  let dropped = false;
  return {
    schema,
    connectionString,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      // End the pool first: its idle sessions would otherwise hold locks that DROP has to wait for.
      await pool.end();
      await withAdminClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
}
