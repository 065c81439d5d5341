import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../src';
import { openDatabase } from '../src';

const url = 'postgresql://postgres@127.0.0.1:5432/test';
const schema = `trellis_test_db_${randomBytes(4).toString('hex')}`;
let db: Database;

beforeAll(async () => {
  db = await openDatabase({ url, schema, maxConnections: 4 });
});

afterAll(async () => {
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.close();
});

it('creates the family schema, migrates it once even when nodes start together, and queries it unqualified', async () => {
  const dir = join(__dirname, 'fixtures', 'migrations');
  await Promise.all([db.migrate(dir), db.migrate(dir), db.migrate(dir)]);
  await db.query('INSERT INTO books (id, title) VALUES ($1, $2)', ['b1', 'Dune']);
  await expect(db.query('SELECT id, title FROM books')).resolves.toEqual([{ id: 'b1', title: 'Dune' }]);
  const [where] = await db.query<{ table_schema: string }>(
    "SELECT table_schema FROM information_schema.tables WHERE table_name = 'books' AND table_schema = $1",
    [schema],
  );
  expect(where?.table_schema).toBe(schema);
  const [migrations] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM migrations');
  expect(migrations?.n).toBe(1);
});

it('commits a transaction that resolves and rolls back one that throws', async () => {
  await db.transaction((tx) => tx.query("INSERT INTO books VALUES ('b2', 'Emma')"));
  await expect(
    db.transaction(async (tx) => {
      await tx.query("INSERT INTO books VALUES ('b3', 'Ulysses')");
      throw new Error('changed my mind');
    }),
  ).rejects.toThrow('changed my mind');
  const ids = (await db.query<{ id: string }>('SELECT id FROM books ORDER BY id')).map((row) => row.id);
  expect(ids).toEqual(['b1', 'b2']);
});
