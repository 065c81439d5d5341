import { afterEach, beforeEach, expect, it } from 'vitest';

import { hashRequest, Inbox, type InboxEntry } from '../src/exactly-once/index';
import {
  createExactlyOnceSchema,
  effectKeys,
  type ExactlyOnceSchema,
  gate,
  type Gate,
  inboxKeys,
  writeEffect,
} from './fixtures/exactly-once-schema';

let db: ExactlyOnceSchema;

beforeEach(async () => {
  db = await createExactlyOnceSchema('inbox timeout');
});

afterEach(() => db.drop());

function reserve(key: string, options: { held?: Gate; started?: Gate } = {}): InboxEntry<string> {
  return {
    idempotencyKey: key,
    requestHash: hashRequest({ sku: 'sku-1' }),
    handle: async (tx) => {
      await writeEffect(db, tx.client, key);
      options.started?.open();
      await options.held?.opened;
      return `reserved ${key}`;
    },
  };
}

it('answers in-progress when the key stays held past the lock timeout, and the rest of the batch commits', async () => {
  const slow = new Inbox({ pool: db.pool, schema: db.schema, consumer: 'catalog.reserve' });
  const impatient = new Inbox({
    pool: db.pool,
    schema: db.schema,
    consumer: 'catalog.reserve',
    lockTimeoutMs: 200,
  });
  const held = gate();
  const started = gate();
  const first = slow.processBatch([reserve('k1', { held, started })]);
  await started.opened;

  const startedAt = performance.now();
  const outcomes = await impatient.processBatch([reserve('k0'), reserve('k1'), reserve('k2')]);
  const waitedMs = performance.now() - startedAt;
  expect(outcomes).toEqual([
    { kind: 'replied', reply: 'reserved k0', replayed: false },
    { kind: 'in-progress' },
    { kind: 'replied', reply: 'reserved k2', replayed: false },
  ]);
  expect(waitedMs).toBeGreaterThanOrEqual(190);
  expect(await inboxKeys(db)).toEqual(['k0', 'k2']);

  held.open();
  expect(await first).toEqual([{ kind: 'replied', reply: 'reserved k1', replayed: false }]);
  // The message comes back later and is answered from the first transaction's outcome.
  expect(await impatient.processBatch([reserve('k1')])).toEqual([
    { kind: 'replied', reply: 'reserved k1', replayed: true },
  ]);
  expect(await effectKeys(db)).toEqual(['k0', 'k1', 'k2']);
});
