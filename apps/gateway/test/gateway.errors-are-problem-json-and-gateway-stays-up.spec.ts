// Every way a request can fail at the gateway answers application/problem+json with a stable type per
// code, the right status and no internals, and the gateway keeps serving afterwards.
import { randomUUID } from 'node:crypto';

import { Bus } from '@trellis/bus';
import { getBook, listBooks } from '@trellis/contracts';
import { createPgSchema, createRabbitVhost, waitFor } from '@trellis/testing';
import type { PgSchema, RabbitVhost } from '@trellis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SessionTokens } from '../src/bookshop/session-token';
import {
  brokenCartSecret,
  serveBookshop,
  standInBooks,
  userWithBrokenCart,
} from './support/bookshop-stand-ins';
import type { BookshopStandIns } from './support/bookshop-stand-ins';
import { request } from './support/http';
import type { JsonResponse } from './support/http';
import { startGateway, testLogger, testSessionSecret } from './support/start-gateway';
import type { RunningGateway } from './support/start-gateway';

const problemType = (code: string) => `https://trellis.dev/problems/${code}`;

/** Asserts the RFC 9457 shape and returns the body. */
function expectProblem(response: JsonResponse, status: number, code: string, path: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: problemType(code), status, code, instance: path });
  const body = response.body as { title: unknown; detail: unknown };
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return response.body as Record<string, unknown>;
}

describe('gateway errors are problem+json and the gateway stays up', () => {
  let vhost: RabbitVhost;
  let database: PgSchema;
  let nodesBus: Bus;
  let gatewayBus: Bus;
  let nodes: BookshopStandIns;
  let gateway: RunningGateway;
  let releaseSlowCatalog: () => void = () => undefined;
  const slowCatalog = new Promise<void>((resolve) => {
    releaseSlowCatalog = resolve;
  });

  beforeAll(async () => {
    vhost = await createRabbitVhost('gateway-errors');
    database = await createPgSchema('gateway_errors');
    nodesBus = await Bus.connect({
      url: vhost.url,
      logger: testLogger(),
      exactlyOnce: { pool: database.pool, schema: database.schema },
    });
    // No node serves catalog.list, and catalog.get answers only after the test ends (slower than its timeout).
    nodes = await serveBookshop(nodesBus, { omit: [listBooks.name], catalogGetWaitsFor: slowCatalog });
    gatewayBus = await Bus.connect({ url: vhost.url, logger: testLogger() });
    gateway = await startGateway(gatewayBus);
  });

  afterAll(async () => {
    releaseSlowCatalog();
    await gateway?.close();
    await gatewayBus?.close();
    await nodesBus?.close();
    await vhost?.delete();
    await database?.drop();
  });

  const login = async (userId: string) => {
    const response = await request(gateway.url, 'POST', '/v1/sessions', { body: { userId } });
    expect(response.status).toBe(201);
    return (response.body as { token: string }).token;
  };

  it('answers malformed JSON, wrong types and missing fields with 400 and the issues', async () => {
    const malformed = await request(gateway.url, 'POST', '/v1/sessions', { rawBody: '{"userId": ' });
    expectProblem(malformed, 400, 'gateway.malformed_json', '/v1/sessions');

    const wrongType = await request(gateway.url, 'POST', '/v1/sessions', { body: { userId: 42 } });
    const body = expectProblem(wrongType, 400, 'gateway.invalid_input', '/v1/sessions');
    expect(body['issues']).toEqual([expect.objectContaining({ in: 'body', path: ['userId'] })]);

    const missing = await request(gateway.url, 'POST', '/v1/sessions', { body: {} });
    expectProblem(missing, 400, 'gateway.invalid_input', '/v1/sessions');

    const token = await login('validator');
    const path = `/v1/cart/items/${standInBooks[0]?.id}`;
    for (const quantity of [0, 100, 1.5, '2']) {
      const response = await request(gateway.url, 'PUT', path, { token, body: { quantity } });
      expectProblem(response, 400, 'gateway.invalid_input', path);
    }

    await request(gateway.url, 'PUT', path, { token, body: { quantity: 1 } });
    const noKey = await request(gateway.url, 'POST', '/v1/orders', { token });
    expect(expectProblem(noKey, 400, 'gateway.invalid_input', '/v1/orders')['issues']).toEqual([
      expect.objectContaining({ in: 'headers', path: ['idempotency-key'] }),
    ]);

    const badSms = await request(gateway.url, 'POST', '/v1/sms', {
      token,
      body: { to: '0151 1234', text: 'x'.repeat(161) },
    });
    expect(expectProblem(badSms, 400, 'gateway.invalid_input', '/v1/sms')['issues']).toHaveLength(2);
  });

  it('refuses a 1 MB body with 413', async () => {
    const huge = await request(gateway.url, 'POST', '/v1/sessions', {
      body: { userId: 'x'.repeat(1024 * 1024) },
    });
    expectProblem(huge, 413, 'gateway.body_too_large', '/v1/sessions');
  });

  it('answers an unknown route with 404', async () => {
    const response = await request(gateway.url, 'GET', '/v1/no-such-thing');
    expectProblem(response, 404, 'gateway.route_not_found', '/v1/no-such-thing');
  });

  it('tells a missing or forged token (401) from an unknown session (401, its own type)', async () => {
    const none = await request(gateway.url, 'GET', '/v1/cart');
    expectProblem(none, 401, 'gateway.unauthenticated', '/v1/cart');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');

    const genuine = await login('forger');
    const forged = `${randomUUID()}.${genuine.slice(genuine.indexOf('.') + 1)}`;
    expectProblem(
      await request(gateway.url, 'GET', '/v1/cart', { token: forged }),
      401,
      'gateway.unauthenticated',
      '/v1/cart',
    );
    const otherSecret = new SessionTokens('another-secret-of-at-least-32-characters').sign(randomUUID());
    expectProblem(
      await request(gateway.url, 'GET', '/v1/cart', { token: otherSecret }),
      401,
      'gateway.unauthenticated',
      '/v1/cart',
    );

    // Correctly signed, but the sessions family never heard of it (its node died): log in again.
    const orphan = new SessionTokens(testSessionSecret).sign(randomUUID());
    expectProblem(
      await request(gateway.url, 'GET', '/v1/cart', { token: orphan }),
      401,
      'sessions.unknown_session',
      '/v1/cart',
    );
  });

  it('answers 503 with Retry-After when no node of a needed family answers', async () => {
    const response = await request(gateway.url, 'GET', '/v1/books');
    expectProblem(response, 503, 'bus.no_route', '/v1/books');
    expect(response.headers.get('retry-after')).toBe('1');
  });

  it('answers 500 without internals when a node fails unexpectedly', async () => {
    const token = await login(userWithBrokenCart);
    const response = await request(gateway.url, 'GET', '/v1/cart', { token });
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.text).not.toContain(brokenCartSecret);
    expect(response.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers 504 for a node slower than the timeout, and refuses at once beyond the in-flight limit', async () => {
    // A second node of the gateway family, allowed one request at a time.
    const narrow = await startGateway(gatewayBus, { maxInFlight: 1 });
    try {
      const path = `/v1/books/${standInBooks[0]?.id}`;
      const started = nodes.catalogGetsStarted;
      const slow = request(narrow.url, 'GET', path);
      await waitFor(() => nodes.catalogGetsStarted > started, {
        timeoutMs: 5_000,
        description: 'the slow catalog.get to start',
      });

      const refusedAt = Date.now();
      const refused = await request(narrow.url, 'GET', '/v1/cluster');
      expectProblem(refused, 503, 'gateway.overloaded', '/v1/cluster');
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(Date.now() - refusedAt).toBeLessThan(1_000);
      // Probes are not shed: a busy node is not a dead one.
      expect((await request(narrow.url, 'GET', '/health/live')).status).toBe(200);

      const timedOut = await slow;
      expectProblem(timedOut, 504, 'bus.timeout', path);
      // At least one timeout per attempt passed, so the 504 is the bus's deadline, not something sooner.
      expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(getBook.timeoutMs);

      // The slot is free again once the slow request was answered.
      expect((await request(narrow.url, 'GET', '/v1/cluster')).status).toBe(200);
    } finally {
      await narrow.close();
    }
  });

  it('is not ready while an interface it calls has no live node, and names it', async () => {
    const ready = await request(gateway.url, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      checks: { bus: { status: 'up' }, families: { status: 'down', withoutLiveNode: [listBooks.name] } },
    });
  });

  it('still serves the journey after all of the above', async () => {
    expect((await request(gateway.url, 'GET', '/health/live')).status).toBe(200);
    const token = await login('survivor');
    const bookId = standInBooks[1]?.id ?? '';
    const cart = await request(gateway.url, 'PUT', `/v1/cart/items/${bookId}`, {
      token,
      body: { quantity: 3 },
    });
    expect(cart.status).toBe(200);
    expect(cart.body).toEqual({ items: [{ bookId, quantity: 3 }] });
  });
});
