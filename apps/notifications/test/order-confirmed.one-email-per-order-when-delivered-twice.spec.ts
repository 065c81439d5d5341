import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { orderConfirmed } from '@trellis/contracts';
import { waitFor } from '@trellis/testing';
import type { NotificationsHarness } from './support';
import { recordedNotifications, startNotificationsNode } from './support';

let node: NotificationsHarness;

beforeAll(async () => {
  node = await startNotificationsNode('notifications-order-confirmed');
});

afterAll(async () => {
  await node?.close();
});

/** Waits until the node's handler has run `count` times for orderConfirmed, whatever it decided. */
function handled(count: number): Promise<true> {
  return waitFor(() => node.nodeBus.metrics.count(orderConfirmed.name, 'handled') >= count, {
    timeoutMs: 10_000,
    description: `${count} orderConfirmed deliveries to be handled`,
  });
}

it('writes one confirmation e-mail for an order whose event is emitted twice, even at once', async () => {
  const event = {
    orderId: randomUUID(),
    userId: 'ada',
    totalCents: 2 * 1399 + 999,
    items: [
      { bookId: 'dune', quantity: 2 },
      { bookId: 'foundation', quantity: 1 },
    ],
  };
  await Promise.all([node.caller.emit(orderConfirmed, event), node.caller.emit(orderConfirmed, event)]);
  await handled(2);

  const emails = (await recordedNotifications(node.schema)).filter((row) => row.kind === 'email');
  expect(emails).toHaveLength(1);
  expect(emails[0]).toMatchObject({ recipient: 'ada@users.bookshop.example', order_id: event.orderId });
  expect(emails[0]?.body).toContain('Total paid: €37.97');
});

it('still writes one e-mail for each other order', async () => {
  const orders = [randomUUID(), randomUUID()];
  for (const orderId of orders) {
    await node.caller.emit(orderConfirmed, {
      orderId,
      userId: 'grace',
      totalCents: 999,
      items: [{ bookId: 'foundation', quantity: 1 }],
    });
  }
  await handled(4);

  const emails = (await recordedNotifications(node.schema)).filter((row) => row.kind === 'email');
  expect(emails).toHaveLength(3);
  expect(emails.slice(1).map((row) => row.order_id)).toEqual(orders);
});
