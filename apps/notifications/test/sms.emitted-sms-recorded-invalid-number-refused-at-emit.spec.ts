import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendSms, TrellisError } from '@trellis/contracts';
import { waitFor } from '@trellis/testing';
import type { NotificationsHarness } from './support';
import { recordedNotifications, startNotificationsNode } from './support';

let node: NotificationsHarness;

beforeAll(async () => {
  node = await startNotificationsNode('notifications-sms');
});

afterAll(async () => {
  await node?.close();
});

it('records an emitted SMS in the notifications table', async () => {
  await node.caller.emit(sendSms, { to: '+447700900123', text: 'Your bookshop code is 4242' });
  const rows = await waitFor(
    async () => {
      const found = await recordedNotifications(node.schema);
      return found.length > 0 && found;
    },
    { timeoutMs: 5_000, description: 'the SMS to be recorded' },
  );
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    kind: 'sms',
    recipient: '+447700900123',
    body: 'Your bookshop code is 4242',
    order_id: null,
  });
  // The bus message it came from, kept so that a redelivery of that message would not be sent twice.
  expect(rows[0]?.message_id).toMatch(/\S/);
});

it('refuses an SMS to an invalid number at emit, so it never reaches the handler', async () => {
  const refused = await node.caller.emit(sendSms, { to: '0044 7700 900123', text: 'never sent' }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(TrellisError);
  expect(refused).toMatchObject({ code: 'bus.invalid_message', retryable: false });

  // The SMS queue is first in, first out: once a valid SMS emitted afterwards is recorded, the refused one
  // would have been recorded before it had it been sent at all.
  await node.caller.emit(sendSms, { to: '+447700900456', text: 'sent after the refused one' });
  await waitFor(async () => (await recordedNotifications(node.schema)).length >= 2, {
    timeoutMs: 5_000,
    description: 'the later SMS to be recorded',
  });
  const rows = await recordedNotifications(node.schema);
  expect(rows.map((row) => row.recipient)).toEqual(['+447700900123', '+447700900456']);
  expect(rows.map((row) => row.body)).not.toContain('never sent');
  expect(node.nodeBus.metrics.count(sendSms.name, 'handled')).toBe(2);
});
