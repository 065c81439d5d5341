// Entries whose handlers never query get no savepoint of their own: their failures must still undo nothing of
// the other entries, and the entries that do write keep their own undo.
import { defineErrorType } from '@trellis/contracts';
import { afterEach, beforeEach, expect, it } from 'vitest';

import { hashRequest, Inbox, type InboxEntry, type InboxTransaction } from '../src/exactly-once/index';
import {
  createExactlyOnceSchema,
  effectKeys,
  type ExactlyOnceSchema,
  inboxKeys,
  writeEffect,
} from './fixtures/exactly-once-schema';

const outOfStock = defineErrorType('catalog.out_of_stock', 409, false);

let db: ExactlyOnceSchema;
let inbox: Inbox;
let runs: Map<string, number>;

beforeEach(async () => {
  db = await createExactlyOnceSchema('inbox lazy savepoint');
  inbox = new Inbox({ pool: db.pool, schema: db.schema, consumer: 'catalog.reserve' });
  runs = new Map();
});

afterEach(() => db.drop());

function entry(key: string, handle: (tx: InboxTransaction) => Promise<string>): InboxEntry<string> {
  return {
    idempotencyKey: key,
    requestHash: hashRequest({ key }),
    handle: async (tx) => {
      runs.set(key, (runs.get(key) ?? 0) + 1);
      return handle(tx);
    },
  };
}

const writes = (key: string) =>
  entry(key, async (tx) => {
    await writeEffect(db, tx.client, key);
    return `wrote ${key}`;
  });
const neverQueries = (key: string) => entry(key, () => Promise.resolve(`answered ${key}`));
const failsWithoutQuery = (key: string) =>
  entry(key, () => Promise.reject(new Error(`${key} failed before any query`)));
const writesThenFails = (key: string) =>
  entry(key, async (tx) => {
    await writeEffect(db, tx.client, key);
    throw new Error(`${key} failed after its write`);
  });

it('undoes only the failing entries, whether or not they queried, and keeps the others', async () => {
  const outcomes = await inbox.processBatch([
    writes('a'),
    failsWithoutQuery('b'),
    neverQueries('c'),
    writesThenFails('d'),
    writes('e'),
    failsWithoutQuery('f'),
  ]);
  expect(outcomes).toEqual([
    { kind: 'replied', reply: 'wrote a', replayed: false },
    { kind: 'failed', error: new Error('b failed before any query') },
    { kind: 'replied', reply: 'answered c', replayed: false },
    { kind: 'failed', error: new Error('d failed after its write') },
    { kind: 'replied', reply: 'wrote e', replayed: false },
    { kind: 'failed', error: new Error('f failed before any query') },
  ]);
  expect(await effectKeys(db)).toEqual(['a', 'e']);
  expect(await inboxKeys(db)).toEqual(['a', 'c', 'e']);

  // The failed keys were not recorded: their redeliveries run; the others replay.
  expect(await inbox.processBatch([writes('b'), neverQueries('c'), writes('d')])).toEqual([
    { kind: 'replied', reply: 'wrote b', replayed: false },
    { kind: 'replied', reply: 'answered c', replayed: true },
    { kind: 'replied', reply: 'wrote d', replayed: false },
  ]);
  expect(await effectKeys(db)).toEqual(['a', 'b', 'd', 'e']);
  expect(runs.get('c')).toBe(1);
});

it('stores the rejection of a handler that never queried, after an entry that wrote', async () => {
  const error = { code: 'catalog.out_of_stock', message: 'none left', status: 409, retryable: false };
  const outcomes = await inbox.processBatch([
    writes('a'),
    entry('b', () => Promise.reject(outOfStock.create('none left'))),
    writes('c'),
  ]);
  expect(outcomes).toEqual([
    { kind: 'replied', reply: 'wrote a', replayed: false },
    { kind: 'rejected', error, replayed: false },
    { kind: 'replied', reply: 'wrote c', replayed: false },
  ]);
  expect(await effectKeys(db)).toEqual(['a', 'c']);
  expect(await inbox.readOutcome('b')).toEqual({ status: 'rejected', error });
});

it('lets a same-batch duplicate run after the first attempt failed, and stores its request', async () => {
  const second: InboxEntry<string> = {
    idempotencyKey: 'k',
    requestHash: hashRequest({ second: true }),
    handle: async (tx) => {
      await writeEffect(db, tx.client, 'k#2');
      return 'second attempt';
    },
  };
  const outcomes = await inbox.processBatch([writesThenFails('k'), second, second]);
  expect(outcomes).toEqual([
    { kind: 'failed', error: new Error('k failed after its write') },
    { kind: 'replied', reply: 'second attempt', replayed: false },
    { kind: 'replied', reply: 'second attempt', replayed: true },
  ]);
  expect(await effectKeys(db)).toEqual(['k#2']);
  // The stored request is the one that succeeded: the first one's request now conflicts.
  expect(await inbox.processBatch([writes('k')])).toEqual([{ kind: 'conflict' }]);
});

it('keeps the writes of a handler that recovered from a failed statement through its own savepoint', async () => {
  await db.pool.query(`INSERT INTO ${db.table('effects')} (key, note) VALUES ('taken', 'x')`);
  const outcomes = await inbox.processBatch([
    neverQueries('a'),
    entry('b', async (tx) => {
      await tx.client.query('SAVEPOINT mine');
      await writeEffect(db, tx.client, 'taken').catch(() => tx.client.query('ROLLBACK TO SAVEPOINT mine'));
      await writeEffect(db, tx.client, 'b');
      return 'recovered';
    }),
    writes('c'),
  ]);
  expect(outcomes.map((outcome) => outcome.kind)).toEqual(['replied', 'replied', 'replied']);
  expect(await effectKeys(db)).toEqual(['b', 'c', 'taken']);
  expect(await inboxKeys(db)).toEqual(['a', 'b', 'c']);
});

it('fails on its own an entry whose key Postgres refuses, and commits the rest', async () => {
  const outcomes = await inbox.processBatch([writes('a'), neverQueries('bad\0key'), writes('c')]);
  expect(outcomes.map((outcome) => outcome.kind)).toEqual(['replied', 'failed', 'replied']);
  expect(await effectKeys(db)).toEqual(['a', 'c']);
  expect(await inboxKeys(db)).toEqual(['a', 'c']);
});
