import { TrellisError } from '@trellis/contracts';
import { afterEach, beforeEach, expect, it } from 'vitest';

import { hashRequest, Inbox, type InboxEntry } from '../src/exactly-once/index';
import {
  createExactlyOnceSchema,
  effectKeys,
  type ExactlyOnceSchema,
  gate,
  type Gate,
  waitForInboxLockWaiters,
  writeEffect,
} from './fixtures/exactly-once-schema';

let db: ExactlyOnceSchema;
let inbox: Inbox;
let runs: number;

beforeEach(async () => {
  db = await createExactlyOnceSchema('inbox wait');
  // Long enough that the wait below ends by the first transaction finishing, never by the timeout.
  inbox = new Inbox({ pool: db.pool, schema: db.schema, consumer: 'payments.charge', lockTimeoutMs: 30_000 });
  runs = 0;
});

afterEach(() => db.drop());

function charge(
  key: string,
  options: { held?: Gate; started?: Gate; fail?: boolean } = {},
): InboxEntry<string> {
  return {
    idempotencyKey: key,
    requestHash: hashRequest({ amount: 10 }),
    handle: async (tx) => {
      runs += 1;
      await writeEffect(db, tx.client, `${key}#${runs}`);
      options.started?.open();
      await options.held?.opened;
      if (options.fail)
        throw new TrellisError({
          code: 'payments.flaky',
          message: 'try again',
          status: 503,
          retryable: true,
        });
      return `charged ${key} on run ${runs}`;
    },
  };
}

it('makes a concurrent duplicate wait for the first transaction, then replays its reply', async () => {
  const held = gate();
  const started = gate();
  const first = inbox.processBatch([charge('k1', { held, started })]);
  await started.opened;

  const second = inbox.processBatch([charge('k1')]);
  await waitForInboxLockWaiters(db, 1);
  expect(runs).toBe(1);

  held.open();
  const [firstOutcome] = await first;
  const [secondOutcome] = await second;
  expect(firstOutcome).toEqual({ kind: 'replied', reply: 'charged k1 on run 1', replayed: false });
  expect(secondOutcome).toEqual({ kind: 'replied', reply: 'charged k1 on run 1', replayed: true });
  expect(runs).toBe(1);
  expect(await effectKeys(db)).toEqual(['k1#1']);
});

it('lets a waiting duplicate run the effect when the first transaction rolls back', async () => {
  const held = gate();
  const started = gate();
  const first = inbox.processBatch([charge('k1', { held, started, fail: true })]);
  await started.opened;

  const second = inbox.processBatch([charge('k1')]);
  await waitForInboxLockWaiters(db, 1);

  held.open();
  const [firstOutcome] = await first;
  const [secondOutcome] = await second;
  expect(firstOutcome?.kind).toBe('failed');
  expect(secondOutcome).toEqual({ kind: 'replied', reply: 'charged k1 on run 2', replayed: false });
  expect(await effectKeys(db)).toEqual(['k1#2']);
});
