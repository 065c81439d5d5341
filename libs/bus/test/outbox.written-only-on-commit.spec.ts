import { afterEach, beforeEach, expect, it } from 'vitest';

import { hashRequest, Inbox, type InboxEntry, type InboxTransaction } from '../src/exactly-once/index';
import { createExactlyOnceSchema, type ExactlyOnceSchema, inboxKeys } from './fixtures/exactly-once-schema';

let db: ExactlyOnceSchema;
let inbox: Inbox;
let pokes: number;

beforeEach(async () => {
  db = await createExactlyOnceSchema('outbox commit');
  inbox = new Inbox({ pool: db.pool, schema: db.schema, consumer: 'orders.place' });
  pokes = 0;
  inbox.onOutboxWritten(() => {
    pokes += 1;
  });
});

afterEach(() => db.drop());

function entry(key: string, handle: (tx: InboxTransaction) => Promise<string>): InboxEntry<string> {
  return { idempotencyKey: key, requestHash: hashRequest({ key }), handle };
}

function emitPlaced(tx: InboxTransaction, orderId: string): Promise<void> {
  return tx.emit({
    contract: 'orders.placed',
    version: 1,
    payload: { orderId },
    headers: { traceparent: 't-1' },
  });
}

async function outboxPayloads(): Promise<unknown[]> {
  const found = await db.pool.query<{ payload: unknown }>(
    `SELECT payload FROM ${db.table('trellis_bus_outbox')} ORDER BY seq`,
  );
  return found.rows.map((row) => row.payload);
}

it('keeps the events of committed entries and drops those of rolled-back ones', async () => {
  const outcomes = await inbox.processBatch([
    entry('a', async (tx) => {
      await emitPlaced(tx, 'a');
      return 'a';
    }),
    entry('b', async (tx) => {
      await emitPlaced(tx, 'b');
      throw new Error('after emitting');
    }),
  ]);
  expect(outcomes.map((outcome) => outcome.kind)).toEqual(['replied', 'failed']);
  expect(await outboxPayloads()).toEqual([{ orderId: 'a' }]);
  expect(pokes).toBe(1);

  // A batch that commits without emitting does not poke the relay.
  await inbox.processBatch([entry('c', () => Promise.resolve('c'))]);
  expect(pokes).toBe(1);
});

it('writes no event, no inbox row and no poke when COMMIT itself fails, and reports every entry failed', async () => {
  // A deferred constraint is checked at COMMIT, so two entries that each succeed make the COMMIT fail.
  await db.pool.query(
    `CREATE TABLE ${db.table('seats')} (seat text, CONSTRAINT one_per_seat UNIQUE (seat) DEFERRABLE INITIALLY DEFERRED)`,
  );
  const book = (key: string) =>
    entry(key, async (tx) => {
      await tx.client.query(`INSERT INTO ${db.table('seats')} (seat) VALUES ('12A')`);
      await emitPlaced(tx, key);
      return key;
    });

  const outcomes = await inbox.processBatch([book('a'), book('b')]);
  expect(outcomes.map((outcome) => outcome.kind)).toEqual(['failed', 'failed']);
  expect(await outboxPayloads()).toEqual([]);
  expect(await inboxKeys(db)).toEqual([]);
  expect(pokes).toBe(0);
});

it('refuses an emit after the handler has returned', async () => {
  let late: InboxTransaction | undefined;
  await inbox.processBatch([
    entry('a', (tx) => {
      late = tx;
      return Promise.resolve('a');
    }),
  ]);
  await expect(
    late?.emit({ contract: 'orders.placed', version: 1, payload: {}, headers: {} }),
  ).rejects.toThrow(/after the handler returned/);
});
