// The orders node against the real broker and Postgres, with catalog.price and payments.charge served by
// small stand-ins on the same vhost. The payments stand-in is a real exactly-once handler (its own Bus and schema),
// and every charge it commits is a row in its own table: that table is what "charged once" is checked against.
import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Bus } from '@trellis/bus';
import type { HandledRequestOf, HandlerReplyOf } from '@trellis/contracts';
import {
  BookshopErrors,
  chargeOrder,
  getOrder,
  orderConfirmed,
  placeOrder,
  priceLines,
} from '@trellis/contracts';
import type { Database } from '@trellis/database';
import { openDatabase } from '@trellis/database';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, waitFor } from '@trellis/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdersModule } from '../src/orders.module';
import type { OrdersSettings } from '../src/orders-settings';

const databaseUrl = 'postgresql://postgres@127.0.0.1:5432/test';
const suffix = randomBytes(4).toString('hex');
const logger = pino({ level: process.env['TRELLIS_TEST_VERBOSE'] === '1' ? 'debug' : 'silent' });

const prices: Record<string, number> = { dune: 1250, emma: 799, ulysses: 1999 };

/** How the payments stand-in behaves for the next charge. */
type PaymentsMode = 'ok' | 'decline' | 'unavailable' | 'hang';
let paymentsMode: PaymentsMode = 'ok';
/** A charge held in `hang` mode waits here until the test lets payments recover. */
let recover: () => void = () => undefined;
let recovered = Promise.resolve();

let vhost: RabbitVhost;
let ordersDb: Database;
let paymentsDb: Database;
let standIns: Bus;
let client: Bus;
let app: INestApplicationContext;
const confirmations: HandledRequestOf<typeof orderConfirmed>[] = [];

let settings: OrdersSettings;

async function chargesOf(orderId: string): Promise<number> {
  const [row] = await paymentsDb.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM charges WHERE order_id = $1',
    [orderId],
  );
  return row?.n ?? 0;
}

async function orderRows(idempotencyKey: string) {
  return ordersDb.query<{ order_id: string; status: string; charge_id: string | null }>(
    'SELECT order_id, status, charge_id FROM orders WHERE idempotency_key = $1',
    [idempotencyKey],
  );
}

function confirmationsOf(orderId: string): number {
  return confirmations.filter((message) => message.orderId === orderId).length;
}

// One session for the whole file: a retry must send the very same request, or the key is a conflict.
const sessionId = randomUUID();

function place(items: { bookId: string; quantity: number }[], idempotencyKey: string, userId = 'ada') {
  return client.call(placeOrder, { sessionId, userId, items }, { idempotencyKey });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to be refused'),
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  vhost = await createRabbitVhost('orders');
  settings = {
    amqpUrl: vhost.url,
    busPrefix: 'trellis',
    nodeId: 'orders-1',
    databaseUrl,
    databaseSchema: `trellis_test_orders_${suffix}`,
    shutdownTimeoutMs: 10_000,
    priceBudgetMs: 1_500,
    chargeBudgetMs: 4_000,
    reconcileIntervalMs: 200,
    reconcileBatch: 20,
  };
  paymentsDb = await openDatabase({ url: databaseUrl, schema: `trellis_test_orders_pay_${suffix}` });
  await paymentsDb.query(
    'CREATE TABLE charges (charge_id text PRIMARY KEY, order_id uuid NOT NULL, amount_cents int NOT NULL)',
  );

  standIns = await Bus.connect({
    url: vhost.url,
    logger,
    nodeId: 'standIns',
    exactlyOnce: { pool: paymentsDb.pool, schema: paymentsDb.schema },
  });
  await standIns.handle(priceLines, ({ items }) => {
    const priced = items.map((line) => {
      const unitPriceCents = prices[line.bookId];
      if (unitPriceCents === undefined) throw BookshopErrors.bookNotFound.create(`no book ${line.bookId}`);
      return { ...line, unitPriceCents };
    });
    return { items: priced, totalCents: priced.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0) };
  });
  await standIns.handle(
    chargeOrder,
    async ({ orderId, amountCents }, context): Promise<HandlerReplyOf<typeof chargeOrder>> => {
      if (paymentsMode === 'hang') await recovered;
      if (paymentsMode === 'unavailable') {
        throw BookshopErrors.providerUnavailable.create('the provider answered 503');
      }
      const chargeId = `ch_${randomUUID()}`;
      // Through the inbox transaction: a charge counts only if it committed with its idempotency key.
      await context.db.query('INSERT INTO charges (charge_id, order_id, amount_cents) VALUES ($1, $2, $3)', [
        chargeId,
        orderId,
        amountCents,
      ]);
      return { chargeId, status: paymentsMode === 'decline' ? 'declined' : 'succeeded' };
    },
  );

  client = await Bus.connect({ url: vhost.url, logger, nodeId: 'gateway-1' });
  await client.subscribe(orderConfirmed, (message) => {
    confirmations.push(message);
  });

  app = await NestFactory.createApplicationContext(createOrdersModule(settings, logger), {
    logger: false,
    abortOnError: false,
  });
  ordersDb = await openDatabase({ url: databaseUrl, schema: settings.databaseSchema, maxConnections: 2 });
});

afterAll(async () => {
  recover();
  await app?.close();
  await client?.close();
  await standIns?.close();
  for (const db of [ordersDb, paymentsDb]) {
    if (db === undefined) continue;
    await db.query(`DROP SCHEMA IF EXISTS ${db.schema} CASCADE`);
    await db.close();
  }
  await vhost?.delete();
});

describe('placing an order', () => {
  const key = randomUUID();
  let first: Awaited<ReturnType<typeof place>>;

  it('prices it, charges it once, records it paid and confirms it once', async () => {
    first = await place(
      [
        { bookId: 'dune', quantity: 2 },
        { bookId: 'emma', quantity: 1 },
      ],
      key,
    );
    expect(first).toMatchObject({
      userId: 'ada',
      status: 'paid',
      totalCents: 2 * 1250 + 799,
      items: [
        { bookId: 'dune', quantity: 2, unitPriceCents: 1250 },
        { bookId: 'emma', quantity: 1, unitPriceCents: 799 },
      ],
    });
    const rows = await orderRows(key);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ order_id: first.orderId, status: 'paid' });
    expect(rows[0]?.charge_id).toMatch(/^ch_/);
    expect(await chargesOf(first.orderId)).toBe(1);
    await waitFor(() => confirmationsOf(first.orderId) > 0, {
      timeoutMs: 10_000,
      description: 'the orderConfirmed event from the outbox',
    });
    expect(confirmations.find((message) => message.orderId === first.orderId)).toEqual({
      orderId: first.orderId,
      userId: 'ada',
      totalCents: 3299,
      items: [
        { bookId: 'dune', quantity: 2 },
        { bookId: 'emma', quantity: 1 },
      ],
    });
  });

  it('answers the same idempotency key again with the same order, without a second charge', async () => {
    const again = await place(
      [
        { bookId: 'dune', quantity: 2 },
        { bookId: 'emma', quantity: 1 },
      ],
      key,
    );
    expect(again).toEqual(first);
    expect(await orderRows(key)).toHaveLength(1);
    expect(await chargesOf(first.orderId)).toBe(1);
  });

  it('refuses the same idempotency key with other lines (bus.idempotency_conflict)', async () => {
    const error = await rejectionOf(place([{ bookId: 'ulysses', quantity: 1 }], key));
    expect(error).toMatchObject({ code: 'bus.idempotency_conflict' });
    expect(await chargesOf(first.orderId)).toBe(1);
  });

  it('makes one order and one charge of 20 concurrent placements under one key', async () => {
    const concurrentKey = randomUUID();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => place([{ bookId: 'ulysses', quantity: 3 }], concurrentKey)),
    );
    const ids = new Set(replies.map((reply) => reply.orderId));
    expect(ids.size).toBe(1);
    expect(replies.every((reply) => reply.status === 'paid')).toBe(true);
    const rows = await orderRows(concurrentKey);
    expect(rows).toHaveLength(1);
    expect(await chargesOf(rows[0]?.order_id ?? '')).toBe(1);
  });
});

describe('orders that cannot be paid', () => {
  it('refuses an empty order with orders.empty_cart, and refuses it again the same way', async () => {
    const key = randomUUID();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(await rejectionOf(place([], key))).toMatchObject({ code: 'orders.empty_cart' });
    }
    expect(await orderRows(key)).toEqual([]);
  });

  it('refuses an unknown book with catalog.book_not_found and charges nothing', async () => {
    const key = randomUUID();
    const error = await rejectionOf(place([{ bookId: 'no-such-book', quantity: 1 }], key));
    expect(error).toMatchObject({ code: 'catalog.book_not_found' });
    expect(await orderRows(key)).toEqual([]);
  });

  it('records a declined charge as a failed order and sends no confirmation', async () => {
    paymentsMode = 'decline';
    try {
      const key = randomUUID();
      const order = await place([{ bookId: 'emma', quantity: 1 }], key);
      expect(order.status).toBe('failed');
      const rows = await orderRows(key);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ order_id: order.orderId, status: 'failed' });
      expect(rows[0]?.charge_id).toMatch(/^ch_/);
      expect(await chargesOf(order.orderId)).toBe(1);
    } finally {
      paymentsMode = 'ok';
    }
  });
});

describe('orders whose charge outcome is unknown', () => {
  it('records the order pending when payments never answers, and the reconciler pays it once payments recovers', async () => {
    recovered = new Promise<void>((resolve) => (recover = resolve));
    paymentsMode = 'hang';
    const key = randomUUID();
    const started = Date.now();
    const order = await place([{ bookId: 'dune', quantity: 1 }], key);
    expect(order.status).toBe('pending');
    // The handler gave up at its charge budget, well inside one orders.place attempt.
    expect(Date.now() - started).toBeLessThan(placeOrder.timeoutMs);
    expect(await orderRows(key)).toEqual([{ order_id: order.orderId, status: 'pending', charge_id: null }]);
    expect(await chargesOf(order.orderId)).toBe(0);

    paymentsMode = 'ok';
    recover();
    const [paid] = await waitFor(
      async () => {
        const rows = await orderRows(key);
        return rows[0]?.status === 'paid' ? rows : undefined;
      },
      { timeoutMs: 30_000, description: 'the reconciler to settle the pending order' },
    );
    expect(paid?.charge_id).toMatch(/^ch_/);
    expect(await chargesOf(order.orderId)).toBe(1);
    await waitFor(() => confirmationsOf(order.orderId) > 0, {
      timeoutMs: 10_000,
      description: 'the reconciler to confirm the order',
    });
    await expect(client.call(getOrder, { orderId: order.orderId, userId: 'ada' })).resolves.toMatchObject({
      status: 'paid',
    });
  });

  it('records the order pending when the charge ends in bus.outcome_unknown, and the reconciler pays it later', async () => {
    paymentsMode = 'unavailable';
    const key = randomUUID();
    const started = Date.now();
    let order;
    try {
      order = await place([{ bookId: 'emma', quantity: 2 }], key);
      expect(order.status).toBe('pending');
      // Sooner than the charge budget: the pending came from the bus giving up, not from the budget.
      expect(Date.now() - started).toBeLessThan(settings.chargeBudgetMs);
      expect(await chargesOf(order.orderId)).toBe(0);
    } finally {
      paymentsMode = 'ok';
    }
    await waitFor(async () => (await orderRows(key))[0]?.status === 'paid', {
      timeoutMs: 30_000,
      description: 'the reconciler to settle the pending order',
    });
    expect(await chargesOf(order.orderId)).toBe(1);
  });
});

describe('reading an order', () => {
  it('gives an order to its owner and orders.order_not_found to anyone else', async () => {
    const order = await place([{ bookId: 'dune', quantity: 1 }], randomUUID(), 'grace');
    await expect(client.call(getOrder, { orderId: order.orderId, userId: 'grace' })).resolves.toEqual(order);
    expect(await rejectionOf(client.call(getOrder, { orderId: order.orderId, userId: 'ada' }))).toMatchObject(
      {
        code: 'orders.order_not_found',
      },
    );
    expect(
      await rejectionOf(client.call(getOrder, { orderId: randomUUID(), userId: 'grace' })),
    ).toMatchObject({
      code: 'orders.order_not_found',
    });
  });
});

describe('over the whole run', () => {
  it('sent exactly one orderConfirmed per paid order and none for any other', async () => {
    const paid = await ordersDb.query<{ order_id: string }>(
      "SELECT order_id FROM orders WHERE status = 'paid'",
    );
    await waitFor(
      async () => {
        const [owed] = await ordersDb.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM orders WHERE status = 'paid' AND confirmation_sent_at IS NULL",
        );
        const [outbox] = await ordersDb.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM trellis_bus_outbox',
        );
        return owed?.n === 0 && outbox?.n === 0 && confirmations.length >= paid.length;
      },
      { timeoutMs: 10_000, description: 'every confirmation to be delivered' },
    );
    const perOrder = new Map<string, number>();
    for (const message of confirmations)
      perOrder.set(message.orderId, (perOrder.get(message.orderId) ?? 0) + 1);
    const figures = { paid: paid.length, confirmations: confirmations.length };
    process.stdout.write(`${JSON.stringify({ test: 'orders.confirmations', ...figures })}\n`);
    expect([...perOrder.keys()].sort()).toEqual(paid.map((row) => row.order_id).sort());
    expect([...perOrder.values()].every((count) => count === 1)).toBe(true);
  });
});
