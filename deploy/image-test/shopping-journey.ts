// The bookshop's journey, which the image test runs through the gateway container once every pod is ready: log
// in, put a book in the cart, order it (the payments node charging the payment-provider simulator's container).
import { randomUUID } from 'node:crypto';

import { waitFor } from '@trellis/testing';

import { call, expectStatus } from './gateway-calls';
import type { GatewayJourney } from './gateway-journey';

/** What the journey did, for the test's report. */
interface JourneyOutcome {
  readonly bookId: string;
  readonly orderId: string;
  readonly orderStatus: string;
  readonly totalCents: number;
  /** Milliseconds per step, in order. */
  readonly steps: ReadonlyArray<{ readonly step: string; readonly ms: number }>;
}

/**
 * Waits until the gateway at `gatewayUrl` routes by complete keyed rings (every dataset `GET /v1/cluster`
 * lists has `ringMembers` members), then logs in, puts 2 of the first book of `GET /v1/books` in the cart
 * and places an order with an Idempotency-Key.
 *
 * @throws Error naming the step and the reply when a step does not answer as documented, or the order is
 *   not paid for the cart's total.
 */
async function runShoppingJourney(
  gatewayUrl: string,
  ringMembers: number,
  deadlineMs: number,
): Promise<JourneyOutcome> {
  const steps: Array<{ step: string; ms: number }> = [];
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    steps.push({ step, ms: Math.round(performance.now() - started) });
    return result;
  };

  // A cart node consumes before it has joined its family's ring, and refuses keyed calls until then.
  await timed('keyed rings complete', () =>
    waitFor(
      async () => {
        const view = await call(gatewayUrl, 'GET', '/v1/cluster', { timeoutMs: 2_000 });
        if (view.status !== 200) return false;
        const datasets = (view.body as { datasets?: Array<{ members: string[] }> }).datasets ?? [];
        return datasets.length > 0 && datasets.every((dataset) => dataset.members.length === ringMembers);
      },
      {
        timeoutMs: deadlineMs,
        intervalMs: 250,
        description: `every keyed ring with ${ringMembers} member(s)`,
      },
    ),
  );

  const token = await timed('POST /v1/sessions', async () => {
    const reply = await call(gatewayUrl, 'POST', '/v1/sessions', {
      body: { userId: `image-${randomUUID()}` },
    });
    expectStatus('log in', reply, 201);
    return (reply.body as { token: string }).token;
  });

  const book = await timed('GET /v1/books', async () => {
    const reply = await call(gatewayUrl, 'GET', '/v1/books');
    expectStatus('list books', reply, 200);
    const [first] = (reply.body as { items: Array<{ id: string; priceCents: number }> }).items;
    if (first === undefined) throw new Error('list books: the catalogue is empty');
    return first;
  });

  await timed(`PUT /v1/cart/items/${book.id}`, async () => {
    const reply = await call(gatewayUrl, 'PUT', `/v1/cart/items/${encodeURIComponent(book.id)}`, {
      token,
      body: { quantity: 2 },
    });
    expectStatus('put a book in the cart', reply, 200);
  });

  const order = await timed('POST /v1/orders', async () => {
    const reply = await call(gatewayUrl, 'POST', '/v1/orders', {
      token,
      headers: { 'idempotency-key': `image-test-${randomUUID()}` },
      timeoutMs: 30_000,
    });
    expectStatus('place the order', reply, 201);
    return reply.body as { orderId: string; status: string; totalCents: number };
  });
  if (order.status !== 'paid' || order.totalCents !== 2 * book.priceCents) {
    throw new Error(
      `place the order: expected paid for ${2 * book.priceCents} cents, got ${JSON.stringify(order)}`,
    );
  }
  return {
    bookId: book.id,
    orderId: order.orderId,
    orderStatus: order.status,
    totalCents: order.totalCents,
    steps,
  };
}

/** Login → cart → order, with one node per keyed ring (the dev overlay's). */
export const shoppingJourney: GatewayJourney = {
  name: 'login → cart → order through the gateway',
  async run(gatewayUrl, deadlineMs) {
    const journey = await runShoppingJourney(gatewayUrl, 1, deadlineMs);
    return [
      ...journey.steps.map(({ step, ms }) => `${step}: ${ms} ms`),
      `order ${journey.orderId} ${journey.orderStatus}, ${journey.totalCents} cents`,
    ];
  },
};
