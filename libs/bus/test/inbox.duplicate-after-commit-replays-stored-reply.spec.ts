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
  db = await createExactlyOnceSchema('inbox replay');
  inbox = new Inbox({ pool: db.pool, schema: db.schema, consumer: 'orders.place' });
  runs = 0;
});

afterEach(() => db.drop());

function placeOrder(key: string): InboxEntry<{ orderId: string; placedAt: Date }> {
  return {
    idempotencyKey: key,
    requestHash: hashRequest({ cart: key }),
    handle: async (tx) => {
      runs += 1;
      await writeEffect(db, tx.client, key);
      return { orderId: `order-of-${key}`, placedAt: new Date('2024-01-02T03:04:05.000Z') };
    },
  };
}

it('answers a duplicate that arrives after the commit with the stored reply, without running the effect again', async () => {
  const [first] = await inbox.processBatch([placeOrder('k1')]);
  expect(first).toEqual({
    kind: 'replied',
    reply: { orderId: 'order-of-k1', placedAt: new Date('2024-01-02T03:04:05.000Z') },
    replayed: false,
  });

  const [second] = await inbox.processBatch([placeOrder('k1')]);
  // The replay is the stored JSON form of the first reply.
  expect(second).toEqual({
    kind: 'replied',
    reply: { orderId: 'order-of-k1', placedAt: '2024-01-02T03:04:05.000Z' },
    replayed: true,
  });
  expect(runs).toBe(1);
  expect(await effectKeys(db)).toEqual(['k1']);
  expect(await inbox.readOutcome('k1')).toEqual({
    status: 'replied',
    reply: { orderId: 'order-of-k1', placedAt: '2024-01-02T03:04:05.000Z' },
  });
  expect(await inbox.readOutcome('never-seen')).toEqual({ status: 'unknown' });
});

it('answers a duplicate within the same batch with the first entry reply, running the effect once', async () => {
  const outcomes = await inbox.processBatch([placeOrder('k1'), placeOrder('k2'), placeOrder('k1')]);
  expect(outcomes.map((outcome) => (outcome.kind === 'replied' ? outcome.replayed : outcome.kind))).toEqual([
    false,
    false,
    true,
  ]);
  expect(outcomes[2]).toMatchObject({ kind: 'replied', reply: { orderId: 'order-of-k1' } });
  expect(runs).toBe(2);
  expect(await effectKeys(db)).toEqual(['k1', 'k2']);
});

it('keeps keys of different consumers apart', async () => {
  const other = new Inbox({ pool: db.pool, schema: db.schema, consumer: 'orders.cancel' });
  await inbox.processBatch([placeOrder('k1')]);
  const [outcome] = await other.processBatch([
    { idempotencyKey: 'k1', requestHash: hashRequest({}), handle: () => Promise.resolve('cancelled') },
  ]);
  expect(outcome).toEqual({ kind: 'replied', reply: 'cancelled', replayed: false });
});
