// The bookshop's REST API against the whole cluster as `npm start` runs it (every node a real process on a
// real broker, database and Redis): the shopping journey end to end, then every way a request can fail at
// the gateway. Promise: every answer is the documented one, and no request of this file is ever a 5xx.
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startBookshopCluster } from './support/bookshop-cluster';
import type { BookshopCluster } from './support/bookshop-cluster';
import { request as send } from '../test/support/http';
import type { JsonResponse, RequestOptions } from '../test/support/http';

interface Book {
  id: string;
  title: string;
  author: string;
  priceCents: number;
}
interface Order {
  orderId: string;
  status: string;
  totalCents: number;
  items: Array<{ bookId: string; quantity: number; unitPriceCents: number }>;
}

const problemType = (code: string): string => `https://trellis.dev/problems/${code}`;

describe('the REST API serves the shopping journey and answers every bad request with problem+json', () => {
  let cluster: BookshopCluster;
  /** Every answer of the file, to check the promise that none is a 5xx. */
  const answers: Array<{ what: string; status: number }> = [];

  const request = async (method: string, path: string, options?: RequestOptions): Promise<JsonResponse> => {
    const response = await send(cluster.gatewayUrl, method, path, options);
    answers.push({ what: `${method} ${path}`, status: response.status });
    return response;
  };
  const login = async (userId: string): Promise<string> => {
    const response = await request('POST', '/v1/sessions', { body: { userId } });
    expect(response.status).toBe(201);
    return (response.body as { token: string }).token;
  };
  const expectProblem = (response: JsonResponse, status: number, code: string): void => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: problemType(code), status, code });
  };

  beforeAll(async () => {
    cluster = await startBookshopCluster({ label: 'rest-api' });
    report(`cluster ready in ${cluster.startupMs} ms`);
  }, 90_000);

  afterAll(async () => {
    if (cluster === undefined) return;
    const exit = await cluster.stop();
    report(`cluster stopped: ${JSON.stringify(exit)}`);
    expect(exit.leftoverPids).toEqual([]);
  }, 60_000);

  it('logs in, browses, fills the cart, orders once per key and keeps the order to its owner', async () => {
    const token = await login(`reader-${randomUUID()}`);

    const list = await request('GET', '/v1/books');
    expect(list.status).toBe(200);
    const books = (list.body as { items: Book[] }).items;
    expect(books.length).toBeGreaterThanOrEqual(2);
    const [first, second] = books as [Book, Book];

    const one = await request('GET', `/v1/books/${first.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(first);
    expectProblem(await request('GET', '/v1/books/no-such-book'), 404, 'catalog.book_not_found');

    const put = await request('PUT', `/v1/cart/items/${first.id}`, { token, body: { quantity: 2 } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ items: [{ bookId: first.id, quantity: 2 }] });
    await request('PUT', `/v1/cart/items/${second.id}`, { token, body: { quantity: 1 } });
    const removed = await request('DELETE', `/v1/cart/items/${second.id}`, { token });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ items: [{ bookId: first.id, quantity: 2 }] });
    const cart = await request('GET', '/v1/cart', { token });
    expect(cart.body).toEqual({ items: [{ bookId: first.id, quantity: 2 }] });

    const key = { 'idempotency-key': `journey-${randomUUID()}` };
    const placed = await request('POST', '/v1/orders', { token, headers: key, timeoutMs: 30_000 });
    expect(placed.status).toBe(201);
    expect(placed.headers.get('idempotent-replayed')).toBeNull();
    const order = placed.body as Order;
    expect(order).toMatchObject({
      status: 'paid',
      totalCents: 2 * first.priceCents,
      items: [{ bookId: first.id, quantity: 2, unitPriceCents: first.priceCents }],
    });
    expect((await request('GET', '/v1/cart', { token })).body).toEqual({ items: [] });

    const replay = await request('POST', '/v1/orders', { token, headers: key, timeoutMs: 30_000 });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(order);

    const read = await request('GET', `/v1/orders/${order.orderId}`, { token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(order);

    const stranger = await login(`stranger-${randomUUID()}`);
    expectProblem(
      await request('GET', `/v1/orders/${order.orderId}`, { token: stranger }),
      404,
      'orders.order_not_found',
    );

    const charges = await send(cluster.providerUrl, 'GET', '/v1/charges');
    const forOrder = (
      charges.body as { items: Array<{ reference: string; amountCents: number }> }
    ).items.filter((charge) => charge.reference === `order ${order.orderId}`);
    expect(forOrder).toEqual([expect.objectContaining({ amountCents: order.totalCents })]);
  });

  it('answers malformed, mistyped, incomplete and oversized bodies, unknown routes and forged tokens with 4xx problem+json', async () => {
    expectProblem(
      await request('POST', '/v1/sessions', { rawBody: '{"userId": ' }),
      400,
      'gateway.malformed_json',
    );
    const wrongType = await request('POST', '/v1/sessions', { body: { userId: 42 } });
    expectProblem(wrongType, 400, 'gateway.invalid_input');
    expect((wrongType.body as { issues?: unknown[] }).issues?.length).toBeGreaterThan(0);
    expectProblem(await request('POST', '/v1/sessions', { body: {} }), 400, 'gateway.invalid_input');

    const token = await login(`errors-${randomUUID()}`);
    expectProblem(
      await request('PUT', '/v1/cart/items/moby-dick', { token, body: { quantity: 'two' } }),
      400,
      'gateway.invalid_input',
    );
    expectProblem(await request('POST', '/v1/orders', { token }), 400, 'gateway.invalid_input');

    expectProblem(
      await request('POST', '/v1/sessions', { body: { userId: 'x'.repeat(1024 * 1024) } }),
      413,
      'gateway.body_too_large',
    );
    expectProblem(await request('GET', '/v1/no-such-thing'), 404, 'gateway.route_not_found');

    const [sessionId] = token.split('.');
    expectProblem(
      await request('GET', '/v1/cart', { token: `${sessionId}.forged-signature` }),
      401,
      'gateway.unauthenticated',
    );
    expectProblem(await request('GET', '/v1/cart'), 401, 'gateway.unauthenticated');

    const stillUp = await request('GET', '/v1/books');
    expect(stillUp.status).toBe(200);
    expect((await request('GET', '/health/ready')).status).toBe(200);
  });

  it('never answered a 5xx in this file', () => {
    const serverErrors = answers.filter((answer) => answer.status >= 500);
    report(`${answers.length} answers, ${serverErrors.length} of them 5xx`);
    expect(answers.length).toBeGreaterThan(20);
    expect(serverErrors).toEqual([]);
  });
});

/** Prints a figure of the run on the test's output (vitest shows it beside the test). */
function report(text: string): void {
  process.stdout.write(`${text}\n`);
}
