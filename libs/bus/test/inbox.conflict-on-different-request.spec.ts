import { afterEach, beforeEach, expect, it } from 'vitest';

import { hashRequest, Inbox, type InboxEntry } from '../src/exactly-once/index';
import {
  createExactlyOnceSchema,
  effectKeys,
  type ExactlyOnceSchema,
  writeEffect,
} from './fixtures/exactly-once-schema';

let db: ExactlyOnceSchema;
let inbox: Inbox;
let runs: number;

beforeEach(async () => {
  db = await createExactlyOnceSchema('inbox conflict');
  inbox = new Inbox({ pool: db.pool, schema: db.schema, consumer: 'orders.place' });
  runs = 0;
});

afterEach(() => db.drop());

function place(key: string, request: unknown): InboxEntry<string> {
  return {
    idempotencyKey: key,
    requestHash: hashRequest(request),
    handle: async (tx) => {
      runs += 1;
      await writeEffect(db, tx.client, `${key}#${runs}`);
      return `placed ${JSON.stringify(request)}`;
    },
  };
}

it('answers conflict when a key comes back with a different request, and runs nothing', async () => {
  await inbox.processBatch([place('k1', { qty: 1, sku: 'a' })]);
  expect(await inbox.processBatch([place('k1', { qty: 2, sku: 'a' })])).toEqual([{ kind: 'conflict' }]);
  // The same request with its fields in another order is not a conflict.
  expect(await inbox.processBatch([place('k1', { sku: 'a', qty: 1 })])).toEqual([
    { kind: 'replied', reply: 'placed {"qty":1,"sku":"a"}', replayed: true },
  ]);
  expect(runs).toBe(1);
  expect(await effectKeys(db)).toEqual(['k1#1']);
});

it('answers conflict for a different request under the same key within one batch', async () => {
  const outcomes = await inbox.processBatch([place('k1', { qty: 1 }), place('k1', { qty: 2 })]);
  expect(outcomes).toEqual([
    { kind: 'replied', reply: 'placed {"qty":1}', replayed: false },
    { kind: 'conflict' },
  ]);
  expect(runs).toBe(1);
});
