// A catalog node booted as in a cluster, called through a separate bus connection like a real caller node.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bus } from '@trellis/bus';
import { getBook, listBooks, priceLines, TrellisError } from '@trellis/contracts';
import type { PgSchema, RabbitVhost } from '@trellis/testing';
import { createPgSchema, createRabbitVhost } from '@trellis/testing';
import { createCatalogModule } from '../src/catalog.module';

const logger = pino({ level: 'silent' });
let vhost: RabbitVhost;
let schema: PgSchema;
let app: INestApplicationContext;
let caller: Bus;

beforeAll(async () => {
  vhost = await createRabbitVhost('catalog-calls');
  schema = await createPgSchema('catalog_calls');
  app = await NestFactory.createApplicationContext(
    createCatalogModule(
      {
        amqpUrl: vhost.url,
        busPrefix: 'trellis',
        nodeId: 'catalog-1',
        databaseUrl: 'postgresql://postgres@127.0.0.1:5432/test',
        databaseSchema: schema.schema,
        shutdownTimeoutMs: 5_000,
      },
      logger,
    ),
    { logger: false, abortOnError: false },
  );
  caller = await Bus.connect({ url: vhost.url, logger, nodeId: 'gateway-1' });
});

afterAll(async () => {
  await caller?.close();
  await app?.close();
  await schema?.drop();
  await vhost?.delete();
});

/** The error a promise rejects with; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

it('lists the seeded shelf of 30 books in the same order on every call', async () => {
  const first = await caller.call(listBooks, {});
  const second = await caller.call(listBooks, {});
  expect(first.items).toHaveLength(30);
  expect(new Set(first.items.map((book) => book.id)).size).toBe(30);
  expect(second.items.map((book) => book.id)).toEqual(first.items.map((book) => book.id));
  expect(first.items[0]?.title).toBe('Anna Karenina');
  expect(first.items).toContainEqual({
    id: 'dune',
    title: 'Dune',
    author: 'Frank Herbert',
    priceCents: 1399,
  });
});

it('gets one book by id', async () => {
  await expect(caller.call(getBook, { bookId: 'the-left-hand-of-darkness' })).resolves.toEqual({
    id: 'the-left-hand-of-darkness',
    title: 'The Left Hand of Darkness',
    author: 'Ursula K. Le Guin',
    priceCents: 1099,
  });
});

it('answers an unknown book with a TrellisError catalog.book_not_found rebuilt on the caller', async () => {
  const error = await rejectionOf(caller.call(getBook, { bookId: 'the-lost-manuscript' }));
  expect(error).toBeInstanceOf(TrellisError);
  expect(error).toMatchObject({
    code: 'catalog.book_not_found',
    status: 404,
    retryable: false,
    data: { bookIds: ['the-lost-manuscript'] },
  });
});

it('prices lines at the current prices and totals quantity × price', async () => {
  const lines = [
    { bookId: 'dune', quantity: 2 },
    { bookId: 'foundation', quantity: 1 },
  ];
  await expect(caller.call(priceLines, { items: lines })).resolves.toEqual({
    totalCents: 2 * 1399 + 999,
    items: [
      { bookId: 'dune', quantity: 2, unitPriceCents: 1399 },
      { bookId: 'foundation', quantity: 1, unitPriceCents: 999 },
    ],
  });

  // A price change is seen by the next call: nothing caches yesterday's price.
  await schema.pool.query("UPDATE books SET price_cents = 1499 WHERE id = 'dune'");
  const repriced = await caller.call(priceLines, { items: lines });
  expect(repriced.totalCents).toBe(2 * 1499 + 999);
  expect(repriced.items[0]?.unitPriceCents).toBe(1499);
});

it('refuses to price lines with an unknown book, naming that book', async () => {
  const error = await rejectionOf(
    caller.call(priceLines, {
      items: [
        { bookId: 'dune', quantity: 1 },
        { bookId: 'the-lost-manuscript', quantity: 1 },
      ],
    }),
  );
  expect(error).toBeInstanceOf(TrellisError);
  expect(error).toMatchObject({
    code: 'catalog.book_not_found',
    data: { bookIds: ['the-lost-manuscript'] },
  });
  expect((error as Error).message).toContain('the-lost-manuscript');
});
