import { createPgSchema, type PgSchema } from '@trellis/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';

import { migrateBusTables } from '../src/exactly-once/index';

let db: PgSchema;

beforeEach(async () => {
  db = await createPgSchema('bus migrate');
});

afterEach(() => db.drop());

it('migrates once when several nodes start at the same moment, and again is a no-op', async () => {
  // Each call takes its own session from the pool, like separate nodes would.
  await Promise.all([1, 2, 3, 4].map(() => migrateBusTables(db.pool, db.schema)));
  await migrateBusTables(db.pool, db.schema);

  const migrations = await db.pool.query<{ name: string }>(
    'SELECT name FROM trellis_bus_migrations ORDER BY id', // the pool's search_path is the schema
  );
  expect(migrations.rows.map((row) => row.name)).toEqual(['1764000000000_exactly-once-tables']);
  const tables = await db.pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [db.schema],
  );
  expect(tables.rows.map((row) => row.table_name)).toEqual([
    'trellis_bus_inbox',
    'trellis_bus_migrations',
    'trellis_bus_outbox',
  ]);
});

it('refuses a schema name it could not quote safely, before running any SQL', async () => {
  await expect(migrateBusTables(db.pool, 'x"; DROP SCHEMA public; --')).rejects.toThrow(/must match/);
  await expect(migrateBusTables(db.pool, 'Orders')).rejects.toThrow(/must match/);
});
