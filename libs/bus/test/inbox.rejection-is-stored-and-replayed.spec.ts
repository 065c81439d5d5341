import { defineErrorType } from '@trellis/contracts';
import { afterEach, beforeEach, expect, it } from 'vitest';

import { hashRequest, Inbox, type InboxEntry } from '../src/exactly-once/index';
import {
  createExactlyOnceSchema,
  effectKeys,
  type ExactlyOnceSchema,
  inboxKeys,
  writeEffect,
} from './fixtures/exactly-once-schema';

const cardDeclined = defineErrorType('payments.card_declined', 402, false);
const providerBusy = defineErrorType('payments.provider_busy', 503, true);

let db: ExactlyOnceSchema;
let inbox: Inbox;
let runs: number;

beforeEach(async () => {
  db = await createExactlyOnceSchema('inbox rejection');
  inbox = new Inbox({ pool: db.pool, schema: db.schema, consumer: 'payments.charge' });
  runs = 0;
});

afterEach(() => db.drop());

function charge(key: string, fail: () => Error): InboxEntry<string> {
  return {
    idempotencyKey: key,
    requestHash: hashRequest({ card: '4000' }),
    handle: async (tx) => {
      runs += 1;
      await writeEffect(db, tx.client, `${key}#${runs}`);
      throw fail();
    },
  };
}

it('stores a non-retryable rejection without the handler writes, and replays it to duplicates', async () => {
  const declined = () => cardDeclined.create('card declined', { reason: 'insufficient funds' });
  const expectedError = {
    code: 'payments.card_declined',
    message: 'card declined',
    status: 402,
    retryable: false,
    data: { reason: 'insufficient funds' },
  };

  expect(await inbox.processBatch([charge('k1', declined)])).toEqual([
    { kind: 'rejected', error: expectedError, replayed: false },
  ]);
  expect(await effectKeys(db)).toEqual([]);
  expect(await inbox.processBatch([charge('k1', declined)])).toEqual([
    { kind: 'rejected', error: expectedError, replayed: true },
  ]);
  expect(runs).toBe(1);
  expect(await inbox.readOutcome('k1')).toEqual({ status: 'rejected', error: expectedError });
});

it('stores nothing for a retryable error, so the next delivery runs the handler again', async () => {
  const [outcome] = await inbox.processBatch([charge('k1', () => providerBusy.create('busy'))]);
  expect(outcome).toMatchObject({ kind: 'failed' });
  expect(outcome?.kind === 'failed' && providerBusy.is(outcome.error)).toBe(true);
  expect(await inboxKeys(db)).toEqual([]);

  await inbox.processBatch([charge('k1', () => providerBusy.create('busy'))]);
  expect(runs).toBe(2);
  expect(await effectKeys(db)).toEqual([]);
  expect(await inbox.readOutcome('k1')).toEqual({ status: 'unknown' });
});
