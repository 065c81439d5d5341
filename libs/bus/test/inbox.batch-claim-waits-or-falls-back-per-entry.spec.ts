// A batch claims all its keys in one statement: a key another transaction holds makes it wait, and when that
// statement (or the batch's final write) fails, the batch is handled again entry by entry.
import { afterEach, beforeEach, expect, it } from 'vitest';

import { hashRequest, Inbox, type InboxEntry } from '../src/exactly-once/index';
import {
  createExactlyOnceSchema,
  effectKeys,
  type ExactlyOnceSchema,
  gate,
  type Gate,
  inboxKeys,
  waitForInboxLockWaiters,
  writeEffect,
} from './fixtures/exactly-once-schema';

let db: ExactlyOnceSchema;
let runs: Map<string, number>;

beforeEach(async () => {
  db = await createExactlyOnceSchema('inbox batch claim');
  runs = new Map();
});

afterEach(() => db.drop());

function reserve(
  key: string,
  options: { held?: Gate; started?: Gate; reply?: string } = {},
): InboxEntry<string> {
  return {
    idempotencyKey: key,
    requestHash: hashRequest({ sku: 'sku-1' }),
    handle: async (tx) => {
      const run = (runs.get(key) ?? 0) + 1;
      runs.set(key, run);
      await writeEffect(db, tx.client, `${key}#${run}`);
      await tx.emit({ contract: 'catalog.reserved', version: 1, payload: { key }, headers: {} });
      options.started?.open();
      await options.held?.opened;
      return options.reply ?? `reserved ${key}`;
    },
  };
}

async function outboxKeys(): Promise<string[]> {
  const found = await db.pool.query<{ key: string }>(
    `SELECT payload->>'key' AS key FROM ${db.table('trellis_bus_outbox')} ORDER BY 1`,
  );
  return found.rows.map((row) => row.key);
}

it('waits for a key another batch holds, then replays it while the rest of the batch runs once', async () => {
  const inbox = new Inbox({
    pool: db.pool,
    schema: db.schema,
    consumer: 'catalog.reserve',
    lockTimeoutMs: 30_000,
  });
  const held = gate();
  const started = gate();
  const first = inbox.processBatch([reserve('k1', { held, started })]);
  await started.opened;

  const second = inbox.processBatch([reserve('k0'), reserve('k1'), reserve('k2')]);
  await waitForInboxLockWaiters(db, 1);
  // The claim of the whole batch waits: no handler of the second batch ran yet.
  expect(runs).toEqual(new Map([['k1', 1]]));

  held.open();
  expect(await first).toEqual([{ kind: 'replied', reply: 'reserved k1', replayed: false }]);
  expect(await second).toEqual([
    { kind: 'replied', reply: 'reserved k0', replayed: false },
    { kind: 'replied', reply: 'reserved k1', replayed: true },
    { kind: 'replied', reply: 'reserved k2', replayed: false },
  ]);
  expect(runs).toEqual(
    new Map([
      ['k1', 1],
      ['k0', 1],
      ['k2', 1],
    ]),
  );
  expect(await effectKeys(db)).toEqual(['k0#1', 'k1#1', 'k2#1']);
  expect(await outboxKeys()).toEqual(['k0', 'k1', 'k2']);
});

it('falls back entry by entry when a key stays held past the lock timeout; the others run and emit once', async () => {
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

  const outcomes = await impatient.processBatch([reserve('k0'), reserve('k1'), reserve('k2'), reserve('k0')]);
  expect(outcomes).toEqual([
    { kind: 'replied', reply: 'reserved k0', replayed: false },
    { kind: 'in-progress' },
    { kind: 'replied', reply: 'reserved k2', replayed: false },
    { kind: 'replied', reply: 'reserved k0', replayed: true },
  ]);
  // The failed batch claim ran no handler: each entry of the fallback ran once.
  expect(runs.get('k0')).toBe(1);
  expect(runs.get('k2')).toBe(1);
  expect(await inboxKeys(db)).toEqual(['k0', 'k2']);

  held.open();
  await first;
  expect(await effectKeys(db)).toEqual(['k0#1', 'k1#1', 'k2#1']);
  expect(await outboxKeys()).toEqual(['k0', 'k1', 'k2']);
});

it('handles the batch again entry by entry when its final write fails, isolating the entry at fault', async () => {
  // A reply that passes every check before the write but that the table refuses.
  await db.pool.query(
    `ALTER TABLE ${db.table('trellis_bus_inbox')} ADD CONSTRAINT no_poison CHECK (reply IS NULL OR reply <> '"poison"'::jsonb)`,
  );
  const inbox = new Inbox({ pool: db.pool, schema: db.schema, consumer: 'catalog.reserve' });
  const outcomes = await inbox.processBatch([reserve('a'), reserve('b', { reply: 'poison' }), reserve('c')]);
  expect(outcomes.map((outcome) => outcome.kind)).toEqual(['replied', 'failed', 'replied']);
  expect(await inboxKeys(db)).toEqual(['a', 'c']);
  // Nothing of the first pass committed; the second pass committed each effect and event once.
  expect(await effectKeys(db)).toEqual(['a#2', 'c#2']);
  expect(await outboxKeys()).toEqual(['a', 'c']);
});
