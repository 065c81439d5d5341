// Two catalog nodes of one cluster starting at the same moment on a fresh schema: both must come up, the
// migrations (and the shelf they stock) must run once, and either node alone must serve.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bus } from '@trellis/bus';
import { getBook, listBooks } from '@trellis/contracts';
import type { PgSchema, RabbitVhost } from '@trellis/testing';
import { createPgSchema, createRabbitVhost } from '@trellis/testing';
import { createCatalogModule } from '../src/catalog.module';

const logger = pino({ level: 'silent' });
let vhost: RabbitVhost;
let schema: PgSchema;
let caller: Bus;
const nodes: INestApplicationContext[] = [];

function startNode(nodeId: string): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    createCatalogModule(
      {
        amqpUrl: vhost.url,
        busPrefix: 'trellis',
        nodeId,
        databaseUrl: 'postgresql://postgres@127.0.0.1:5432/test',
        databaseSchema: schema.schema,
        shutdownTimeoutMs: 5_000,
      },
      logger,
    ),
    { logger: false, abortOnError: false },
  );
}

beforeAll(async () => {
  vhost = await createRabbitVhost('catalog-two-nodes');
  schema = await createPgSchema('catalog_two_nodes');
  caller = await Bus.connect({ url: vhost.url, logger, nodeId: 'gateway-1' });
});

afterAll(async () => {
  await caller?.close();
  for (const node of nodes) await node.close();
  await schema?.drop();
  await vhost?.delete();
});

it('starts two nodes at once on a fresh schema, migrating and stocking the shelf exactly once', async () => {
  const started = await Promise.allSettled([startNode('catalog-1'), startNode('catalog-2')]);
  for (const outcome of started) if (outcome.status === 'fulfilled') nodes.push(outcome.value);
  expect(started.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);

  const [migrations] = (
    await schema.pool.query<{ names: string[] }>(
      'SELECT array_agg(name ORDER BY id) AS names FROM migrations',
    )
  ).rows;
  expect(migrations?.names).toEqual(['1764200000000_books', '1764200000001_seed-books']);
  const [books] = (await schema.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM books')).rows;
  expect(books?.n).toBe(30);
  expect((await caller.call(listBooks, {})).items).toHaveLength(30);
});

it('keeps serving from the second node when the first one stops', async () => {
  const [first] = nodes.splice(0, 1);
  await first?.close();
  await expect(caller.call(getBook, { bookId: 'dune' })).resolves.toMatchObject({ title: 'Dune' });
});
