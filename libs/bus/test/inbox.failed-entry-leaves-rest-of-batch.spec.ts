import { afterEach, beforeEach, expect, it } from 'vitest';

import { hashRequest, Inbox, type InboxEntry, type InboxTransaction } from '../src/exactly-once/index';
import {
  createExactlyOnceSchema,
  effectKeys,
  type ExactlyOnceSchema,
  inboxKeys,
  writeEffect,
} from './fixtures/exactly-once-schema';

let db: ExactlyOnceSchema;
let inbox: Inbox;

beforeEach(async () => {
  db = await createExactlyOnceSchema('inbox partial');
  inbox = new Inbox({ pool: db.pool, schema: db.schema, consumer: 'cart.checkout' });
});

afterEach(() => db.drop());

function entry(key: string, handle: (tx: InboxTransaction) => Promise<string>): InboxEntry<string> {
  return { idempotencyKey: key, requestHash: hashRequest({ key }), handle };
}

const succeeds = (key: string) =>
  entry(key, async (tx) => {
    await writeEffect(db, tx.client, key);
    return `ok ${key}`;
  });

it('undoes only the entry whose handler threw after writing; the others of the batch commit', async () => {
  const outcomes = await inbox.processBatch([
    succeeds('a'),
    entry('b', async (tx) => {
      await writeEffect(db, tx.client, 'b');
      throw new Error('bug after the write');
    }),
    succeeds('c'),
  ]);

  expect(outcomes.map((outcome) => outcome.kind)).toEqual(['replied', 'failed', 'replied']);
  expect(outcomes[1]).toMatchObject({ kind: 'failed', error: new Error('bug after the write') });
  expect(await effectKeys(db)).toEqual(['a', 'c']);
  expect(await inboxKeys(db)).toEqual(['a', 'c']);

  // The key was not recorded, so the redelivered message runs the effect.
  expect(await inbox.processBatch([succeeds('b')])).toEqual([
    { kind: 'replied', reply: 'ok b', replayed: false },
  ]);
  expect(await effectKeys(db)).toEqual(['a', 'b', 'c']);
});

it('recovers from an entry whose SQL error aborted the transaction', async () => {
  await db.pool.query(`INSERT INTO ${db.table('effects')} (key, note) VALUES ('taken', 'x')`);
  const outcomes = await inbox.processBatch([
    succeeds('a'),
    // The handler swallows the unique violation, but the transaction is aborted until the savepoint is restored.
    entry('b', async (tx) => {
      await writeEffect(db, tx.client, 'taken').catch(() => undefined);
      return 'pretends all is well';
    }),
    succeeds('c'),
  ]);
  expect(outcomes.map((outcome) => outcome.kind)).toEqual(['replied', 'failed', 'replied']);
  expect(await effectKeys(db)).toEqual(['a', 'c', 'taken']);
  expect(await inboxKeys(db)).toEqual(['a', 'c']);
});

it('fails an entry whose reply cannot be stored, without undoing the others', async () => {
  const outcomes = await inbox.processBatch([
    succeeds('a'),
    entry('b', async (tx) => {
      await writeEffect(db, tx.client, 'b');
      // jsonb refuses a lone surrogate, so this reply cannot be stored.
      return 'broken \ud800 reply';
    }),
    succeeds('c'),
  ]);
  expect(outcomes.map((outcome) => outcome.kind)).toEqual(['replied', 'failed', 'replied']);
  expect(await effectKeys(db)).toEqual(['a', 'c']);
});
