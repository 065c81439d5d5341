import { waitFor } from '@trellis/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';

import { hashRequest, Inbox, InboxRetention } from '../src/exactly-once/index';
import {
  createExactlyOnceSchema,
  type ExactlyOnceSchema,
  inboxKeys,
  silentLogger,
} from './fixtures/exactly-once-schema';

const DAY_MS = 24 * 60 * 60 * 1_000;

let db: ExactlyOnceSchema;

beforeEach(async () => {
  db = await createExactlyOnceSchema('inbox retention');
  const inbox = new Inbox({ pool: db.pool, schema: db.schema, consumer: 'orders.place' });
  const keys = ['old1', 'old2', 'old3', 'old4', 'old5', 'new1', 'new2', 'new3'];
  await inbox.processBatch(
    keys.map((key) => ({
      idempotencyKey: key,
      requestHash: hashRequest(key),
      handle: () => Promise.resolve(key),
    })),
  );
  // Age the "old" rows past a 7-day retention; one "new" row is just inside it.
  await db.pool.query(
    `UPDATE ${db.table('trellis_bus_inbox')} SET created_at = now() - interval '8 days' WHERE idempotency_key LIKE 'old%'`,
  );
  await db.pool.query(
    `UPDATE ${db.table('trellis_bus_inbox')} SET created_at = now() - interval '6 days 23 hours' WHERE idempotency_key = 'new1'`,
  );
});

afterEach(() => db.drop());

it('deletes the rows older than the retention period in bounded batches, and nothing else', async () => {
  const retention = new InboxRetention({
    pool: db.pool,
    schema: db.schema,
    retentionMs: 7 * DAY_MS,
    batchSize: 2,
  });
  expect(await retention.sweepOnce()).toBe(5);
  expect(await inboxKeys(db)).toEqual(['new1', 'new2', 'new3']);
  expect(await retention.sweepOnce()).toBe(0);
});

it('sweeps in the background once started, until stopped', async () => {
  const retention = new InboxRetention({
    pool: db.pool,
    schema: db.schema,
    retentionMs: 7 * DAY_MS,
    intervalMs: 60_000,
    logger: silentLogger,
  });
  retention.start();
  try {
    await waitFor(async () => (await inboxKeys(db)).length === 3, {
      timeoutMs: 10_000,
      description: 'old rows swept',
    });
  } finally {
    await retention.stop();
  }
  expect(await inboxKeys(db)).toEqual(['new1', 'new2', 'new3']);
});
