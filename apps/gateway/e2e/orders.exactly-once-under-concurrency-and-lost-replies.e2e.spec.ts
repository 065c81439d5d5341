// Exactly-once ordering across the whole cluster: one Idempotency-Key is one order and one charge at the
// provider, whether twenty clients send it at once or the provider's reply to the charge is lost after it
// committed. Figures are printed; the provider's ledger is the checker.
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  allCharges,
  chargesFor,
  login,
  postOrder,
  putCartItem,
  settledOrder,
} from './support/bookshop-client';
import type { OrderView } from './support/bookshop-client';
import { startBookshopCluster } from './support/bookshop-cluster';
import type { BookshopCluster } from './support/bookshop-cluster';
import { request } from '../test/support/http';

const CONCURRENT_POSTS = 20;
const BOOK = { id: 'moby-dick', quantity: 3 };

describe('orders are placed and charged exactly once under concurrency and lost provider replies', () => {
  let cluster: BookshopCluster;
  let priceCents: number;

  beforeAll(async () => {
    cluster = await startBookshopCluster({ label: 'orders-once' });
    report(`cluster ready in ${cluster.startupMs} ms`);
    const book = await request(cluster.gatewayUrl, 'GET', `/v1/books/${BOOK.id}`);
    expect(book.status).toBe(200);
    priceCents = (book.body as { priceCents: number }).priceCents;
  }, 90_000);

  afterAll(async () => {
    if (cluster === undefined) return;
    await request(cluster.providerUrl, 'DELETE', '/v1/_faults').catch(() => undefined);
    const exit = await cluster.stop();
    report(`cluster stopped: ${JSON.stringify(exit)}`);
    expect(exit.leftoverPids).toEqual([]);
  }, 60_000);

  it(`answers ${CONCURRENT_POSTS} concurrent POSTs of one key with one order and charges it once`, async () => {
    const token = await login(cluster.gatewayUrl, `concurrent-${randomUUID()}`);
    await putCartItem(cluster.gatewayUrl, token, BOOK.id, BOOK.quantity);
    const key = `burst-${randomUUID()}`;

    const answers = await Promise.all(
      Array.from({ length: CONCURRENT_POSTS }, () => postOrder(cluster.gatewayUrl, token, key)),
    );
    const statuses = answers.map((answer) => answer.status);
    const replayed = answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true').length;
    // A 202 is allowed (outcome not known yet); the client then follows it with the same key.
    const orders: OrderView[] = await Promise.all(
      answers.map((answer) => settledOrder(cluster.gatewayUrl, token, key, answer)),
    );
    const orderIds = new Set(orders.map((order) => order.orderId));
    const [orderId] = [...orderIds];
    const charges = orderId === undefined ? [] : await chargesFor(cluster.providerUrl, orderId);

    report(
      `burst of ${CONCURRENT_POSTS} POSTs, one key: statuses ${JSON.stringify(tally(statuses))}, ` +
        `${replayed} replayed, ${orderIds.size} distinct order id(s), ` +
        `${charges.length} charge(s) at the provider for it`,
    );
    expect(statuses.filter((status) => status !== 201 && status !== 202)).toEqual([]);
    expect(orderIds.size).toBe(1);
    expect(orders.every((order) => order.status === 'paid')).toBe(true);
    expect(orders[0]?.totalCents).toBe(BOOK.quantity * priceCents);
    expect(charges).toHaveLength(1);
    expect(charges[0]?.amountCents).toBe(BOOK.quantity * priceCents);
  });

  it('pays an order whose charge reply the provider dropped after committing, with one charge', async () => {
    const ledgerBefore = (await allCharges(cluster.providerUrl)).length;
    const faults = await request(cluster.providerUrl, 'PUT', '/v1/_faults', {
      body: { dropReplyAfterCommit: 1 },
    });
    expect(faults.status).toBe(200);

    const token = await login(cluster.gatewayUrl, `lost-reply-${randomUUID()}`);
    await putCartItem(cluster.gatewayUrl, token, BOOK.id, 1);
    const key = `lost-reply-${randomUUID()}`;
    const startedAt = Date.now();
    const first = await postOrder(cluster.gatewayUrl, token, key);
    const order = await settledOrder(cluster.gatewayUrl, token, key, first);
    const settledMs = Date.now() - startedAt;

    const charges = await chargesFor(cluster.providerUrl, order.orderId);
    const ledgerAfter = (await allCharges(cluster.providerUrl)).length;
    const faultsLeft = (await request(cluster.providerUrl, 'GET', '/v1/_faults')).body;
    report(
      `lost reply: first answer ${first.status}, order ${order.status} after ${settledMs} ms, ` +
        `${charges.length} charge(s) for it, ledger ${ledgerBefore} -> ${ledgerAfter}, ` +
        `faults now ${JSON.stringify(faultsLeft)}`,
    );
    // The fault was consumed, so the one reply really was dropped and the order survived it.
    expect(faultsLeft).not.toMatchObject({ dropReplyAfterCommit: 1 });
    expect([201, 202]).toContain(first.status);
    expect(order.status).toBe('paid');
    expect(order.totalCents).toBe(priceCents);
    expect(charges).toHaveLength(1);
    expect(ledgerAfter - ledgerBefore).toBe(1);
  });
});

function tally(values: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Prints a figure of the run on the test's output (vitest shows it beside the test). */
function report(text: string): void {
  process.stdout.write(`${text}\n`);
}
