// The bookshop journey through the gateway against the real bus: log in, browse, fill the cart, order once
// per Idempotency-Key (a replay answers the same order), read the order back, send an SMS, log out.
import { Bus } from '@trellis/bus';
import { startHeartbeat } from '@trellis/node-kit';
import { createPgSchema, createRabbitVhost, waitFor } from '@trellis/testing';
import type { PgSchema, RabbitVhost } from '@trellis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { failingOrderKeyPrefix, serveBookshop, standInBooks } from './support/bookshop-stand-ins';
import type { BookshopStandIns } from './support/bookshop-stand-ins';
import { request } from './support/http';
import { startGateway, testLogger } from './support/start-gateway';
import type { RunningGateway } from './support/start-gateway';

const [erlang, scalability] = standInBooks as [(typeof standInBooks)[0], (typeof standInBooks)[0]];

interface Session {
  sessionId: string;
  token: string;
}
interface OrderBody {
  orderId: string;
  status: string;
  totalCents: number;
  items: Array<{ bookId: string; quantity: number; unitPriceCents: number }>;
}

describe('the gateway turns the bookshop journey into bus calls', () => {
  let vhost: RabbitVhost;
  let database: PgSchema;
  let nodesBus: Bus;
  let gatewayBus: Bus;
  let nodes: BookshopStandIns;
  let gateway: RunningGateway;

  const login = async (userId: string): Promise<Session> => {
    const response = await request(gateway.url, 'POST', '/v1/sessions', { body: { userId } });
    expect(response.status).toBe(201);
    return response.body as Session;
  };

  beforeAll(async () => {
    vhost = await createRabbitVhost('gateway-journey');
    database = await createPgSchema('gateway_journey');
    nodesBus = await Bus.connect({
      url: vhost.url,
      logger: testLogger(),
      exactlyOnce: { pool: database.pool, schema: database.schema },
    });
    nodes = await serveBookshop(nodesBus);
    gatewayBus = await Bus.connect({ url: vhost.url, logger: testLogger() });
    gateway = await startGateway(gatewayBus);
  });

  afterAll(async () => {
    await gateway?.close();
    await gatewayBus?.close();
    await nodesBus?.close();
    await vhost?.delete();
    await database?.drop();
  });

  it('logs in with a signed token whose session the sessions family knows', async () => {
    const session = await login('ada');
    expect(session.token.startsWith(`${session.sessionId}.`)).toBe(true);
    expect(nodes.sessions.get(session.sessionId)?.userId).toBe('ada');
  });

  it('lists the books and reads one, 404 for an unknown one', async () => {
    const list = await request(gateway.url, 'GET', '/v1/books');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: standInBooks });

    const one = await request(gateway.url, 'GET', `/v1/books/${erlang.id}`);
    expect(one.body).toEqual(erlang);

    const missing = await request(gateway.url, 'GET', '/v1/books/no-such-book');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.body).toMatchObject({ type: 'https://trellis.dev/problems/catalog.book_not_found' });
  });

  it('fills the cart, orders it once per key, replays the same order and reads it back', async () => {
    const { token } = await login('grace');
    await request(gateway.url, 'PUT', `/v1/cart/items/${erlang.id}`, { token, body: { quantity: 2 } });
    await request(gateway.url, 'PUT', `/v1/cart/items/${scalability.id}`, { token, body: { quantity: 1 } });
    const removed = await request(gateway.url, 'DELETE', `/v1/cart/items/${scalability.id}`, { token });
    expect(removed.body).toEqual({ items: [{ bookId: erlang.id, quantity: 2 }] });
    const cart = await request(gateway.url, 'GET', '/v1/cart', { token });
    expect(cart.body).toEqual({ items: [{ bookId: erlang.id, quantity: 2 }] });

    const unknownBook = await request(gateway.url, 'PUT', '/v1/cart/items/no-such-book', {
      token,
      body: { quantity: 1 },
    });
    expect(unknownBook.status).toBe(404);

    const placedBefore = nodes.ordersPlaced;
    const orderHeaders = { 'idempotency-key': 'order-1' };
    const first = await request(gateway.url, 'POST', '/v1/orders', { token, headers: orderHeaders });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const order = first.body as OrderBody;
    expect(order).toMatchObject({
      status: 'paid',
      totalCents: 2 * erlang.priceCents,
      items: [{ bookId: erlang.id, quantity: 2, unitPriceCents: erlang.priceCents }],
    });
    expect(first.headers.get('location')).toBe(`/v1/orders/${order.orderId}`);
    const emptied = await request(gateway.url, 'GET', '/v1/cart', { token });
    expect(emptied.body).toEqual({ items: [] });

    const replay = await request(gateway.url, 'POST', '/v1/orders', { token, headers: orderHeaders });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(order);
    expect(nodes.ordersPlaced).toBe(placedBefore + 1);

    const read = await request(gateway.url, 'GET', `/v1/orders/${order.orderId}`, { token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(order);

    const stranger = await login('mallory');
    const notTheirs = await request(gateway.url, 'GET', `/v1/orders/${order.orderId}`, {
      token: stranger.token,
    });
    expect(notTheirs.status).toBe(404);
    expect(notTheirs.body).toMatchObject({ type: 'https://trellis.dev/problems/orders.order_not_found' });
  });

  it('refuses the same key for another cart (422) and an empty cart (422)', async () => {
    const { token } = await login('barbara');
    const key = { 'idempotency-key': 'reused' };
    await request(gateway.url, 'PUT', `/v1/cart/items/${erlang.id}`, { token, body: { quantity: 1 } });
    expect((await request(gateway.url, 'POST', '/v1/orders', { token, headers: key })).status).toBe(201);

    await request(gateway.url, 'PUT', `/v1/cart/items/${scalability.id}`, { token, body: { quantity: 3 } });
    const conflict = await request(gateway.url, 'POST', '/v1/orders', { token, headers: key });
    expect(conflict.status).toBe(422);
    expect(conflict.body).toMatchObject({ type: 'https://trellis.dev/problems/bus.idempotency_conflict' });

    await request(gateway.url, 'DELETE', `/v1/cart/items/${scalability.id}`, { token });
    const empty = await request(gateway.url, 'POST', '/v1/orders', {
      token,
      headers: { 'idempotency-key': 'nothing-to-order' },
    });
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ type: 'https://trellis.dev/problems/orders.empty_cart' });
  });

  it("keeps two users' equal Idempotency-Keys apart", async () => {
    const orderIds = [];
    for (const userId of ['user-a', 'user-b']) {
      const { token } = await login(userId);
      await request(gateway.url, 'PUT', `/v1/cart/items/${erlang.id}`, { token, body: { quantity: 1 } });
      const placed = await request(gateway.url, 'POST', '/v1/orders', {
        token,
        headers: { 'idempotency-key': 'same-key' },
      });
      expect(placed.status).toBe(201);
      expect(placed.headers.get('idempotent-replayed')).toBeNull();
      orderIds.push((placed.body as OrderBody).orderId);
    }
    expect(new Set(orderIds).size).toBe(2);
  });

  it('answers 202 pending when the order outcome is unknown after every attempt', async () => {
    const { token } = await login('linus');
    await request(gateway.url, 'PUT', `/v1/cart/items/${erlang.id}`, { token, body: { quantity: 1 } });
    const pending = await request(gateway.url, 'POST', '/v1/orders', {
      token,
      headers: { 'idempotency-key': `${failingOrderKeyPrefix}1` },
    });
    expect(pending.status).toBe(202);
    expect(pending.body).toEqual({ status: 'pending' });
    expect(pending.headers.get('retry-after')).toBe('1');
  });

  it('hands an SMS to the notifications family (202) and it arrives', async () => {
    const { token } = await login('sms-sender');
    const sms = { to: '+4915112345678', text: 'Your order shipped' };
    const sent = await request(gateway.url, 'POST', '/v1/sms', { token, body: sms });
    expect(sent.status).toBe(202);
    await waitFor(() => nodes.smsReceived.some((message) => message.text === sms.text), {
      timeoutMs: 5_000,
      description: 'the SMS at the notifications stand-in',
    });
  });

  it('logs out (204), after which the token names an unknown session', async () => {
    const { token } = await login('leaving');
    expect((await request(gateway.url, 'DELETE', '/v1/sessions/current', { token })).status).toBe(204);
    const after = await request(gateway.url, 'GET', '/v1/cart', { token });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ type: 'https://trellis.dev/problems/sessions.unknown_session' });
  });

  it('reports health, the called interfaces and an OpenAPI document built from the schemas', async () => {
    expect((await request(gateway.url, 'GET', '/health/live')).status).toBe(200);
    expect((await request(gateway.url, 'GET', '/health/ready')).status).toBe(200);

    // A node that announces itself (as every node's bootstrap does) is listed with its identity.
    const heartbeat = startHeartbeat(
      nodesBus,
      { NODE_ID: 'cart-9', NODE_FAMILY: 'cart', NODE_TYPE: 'logic' },
      { intervalMs: 200 },
    );
    const cluster = await waitFor(
      async () => {
        const view = await request(gateway.url, 'GET', '/v1/cluster');
        const nodes = (view.body as { liveNodes: { nodeId: string }[] }).liveNodes;
        return nodes.some((node) => node.nodeId === 'cart-9') ? view : undefined;
      },
      { timeoutMs: 5_000, description: 'cart-9 in the cluster view' },
    );
    heartbeat.stop();
    expect((cluster.body as { liveNodes: unknown[] }).liveNodes).toContainEqual(
      expect.objectContaining({ nodeId: 'cart-9', family: 'cart', nodeType: 'logic', pid: process.pid }),
    );
    // One stand-in node serves every call interface.
    const views = (cluster.body as { interfaces: { name: string; liveHandlers?: number }[] }).interfaces;
    expect(views.find((view) => view.name === 'catalog.list')?.liveHandlers).toBe(1);
    const interfaces = (cluster.body as { interfaces: Array<{ name: string }> }).interfaces;
    expect(interfaces).toContainEqual(
      expect.objectContaining({ name: 'orders.place', policy: 'exactly-once', timeoutMs: 8_000 }),
    );

    const openapi = await request(gateway.url, 'GET', '/docs/json');
    expect(openapi.status).toBe(200);
    const document = openapi.body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/sessions', '/v1/books/{id}', '/v1/cart/items/{bookId}', '/v1/orders']),
    );
    // The quantity's bounds come from the contract's zod schema.
    expect(JSON.stringify(document.paths['/v1/cart/items/{bookId}'])).toContain('"maximum":99');
    expect((await request(gateway.url, 'GET', '/docs')).status).toBeLessThan(400);
  });
});
