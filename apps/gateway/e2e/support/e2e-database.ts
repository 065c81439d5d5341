// A throwaway PostgreSQL database per test file: every node family creates its own schema in it, exactly
// as in a real deployment, and dropping the database takes all of them away.
import { randomBytes } from 'node:crypto';

// Creating and dropping a whole database needs the admin client, which @trellis/testing does not offer
// (it makes schemas in the shared `test` database); an e2e helper is test code, so it may use pg directly.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { Client } from 'pg';

const SERVER_URL = 'postgresql://postgres@127.0.0.1:5432';

/** A database created for one test file. */
export interface E2eDatabase {
  /** `trellis_e2e_<label>_<random>`. */
  readonly name: string;
  /** The DATABASE_URL the nodes get. */
  readonly url: string;
  /** Drops the database WITH (FORCE), closing the nodes' leftover connections; safe to call twice. */
  drop(): Promise<void>;
}

async function asAdmin(sql: string): Promise<void> {
  const client = new Client({ connectionString: `${SERVER_URL}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates `trellis_e2e_<label>_<random>` through the `postgres` maintenance database. */
export async function createE2eDatabase(label: string): Promise<E2eDatabase> {
  const cleaned = label.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  // Only [a-z0-9_] reaches the name, so quoting it is enough to make it safe in SQL.
  const name = `trellis_e2e_${cleaned}_${randomBytes(4).toString('hex')}`;
  await asAdmin(`CREATE DATABASE "${name}"`);
  let dropped = false;
  return {
    name,
    url: `${SERVER_URL}/${name}`,
    async drop() {
      if (dropped) return;
      dropped = true;
      await asAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
