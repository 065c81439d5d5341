// Starts cart nodes (Nest application contexts) on a throwaway vhost and data prefix, with a stand-in for the
// catalog node and a caller that can aim each call at one cart node, the way the ring will.
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Bus } from '@trellis/bus';
import type { HandledRequestOf, HandlerReplyOf } from '@trellis/contracts';
import { BookshopErrors, getBook } from '@trellis/contracts';
import { RedisDataStore } from '@trellis/data';
import { readSettings } from '@trellis/node-kit';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost } from '@trellis/testing';
import { pino } from 'pino';
import { createCartModule } from '../../src/cart.module';
import { cartSettingsSchema } from '../../src/settings';

const redisUrl = 'redis://127.0.0.1:6379';

/** Books the stand-in catalogue knows. */
export const books = new Map<string, HandlerReplyOf<typeof getBook>>([
  ['b1', { id: 'b1', title: 'Programming Erlang', author: 'Joe Armstrong', priceCents: 3900 }],
  [
    'b2',
    { id: 'b2', title: 'Designing for Scalability with Erlang/OTP', author: 'Cesarini', priceCents: 4500 },
  ],
  ['b3', { id: 'b3', title: 'Release It!', author: 'Michael Nygard', priceCents: 3500 }],
]);

/** Cart nodes, a catalogue and a caller on one vhost, with one data prefix. */
export interface CartCluster {
  readonly vhost: RabbitVhost;
  readonly nodeIds: readonly string[];
  /** The gateway's stand-in: calls go to the node named by `aimAt`, or to any cart node. */
  readonly caller: Bus;
  /** The store under the cluster's data prefix, to look at what the nodes wrote. */
  readonly store: RedisDataStore;
  /** Sends the next keyed calls to this node's own queue; `undefined` for the family's shared queue. */
  aimAt(nodeId: string | undefined): void;
  /** The bus of one cart node (for its counters). */
  busOf(nodeId: string): Bus;
  /** Holds every catalog.get until `release()`; returns how many calls are being held. */
  holdCatalog(): { held(): number; release(): void };
  /** Closes everything and deletes the vhost and every key under the data prefix. */
  close(): Promise<void>;
}

/** Starts `nodeIds.length` cart nodes sharing one Redis prefix, a catalogue that knows {@link books}, and a caller. */
export async function startCartCluster(label: string, nodeIds: readonly string[]): Promise<CartCluster> {
  const logger = pino({ level: process.env['TRELLIS_TEST_VERBOSE'] === '1' ? 'debug' : 'silent' });
  const vhost = await createRabbitVhost(label);
  const dataPrefix = `trellis-test-${label}-${randomUUID()}`;
  const store = await RedisDataStore.connect({ url: redisUrl, prefix: dataPrefix });

  let gate: Promise<void> | undefined;
  let heldCount = 0;
  const catalog = await Bus.connect({ url: vhost.url, logger, nodeId: 'catalog-stand-in' });
  await catalog.handle(getBook, async ({ bookId }: HandledRequestOf<typeof getBook>) => {
    if (gate !== undefined) {
      heldCount += 1;
      await gate;
    }
    const book = books.get(bookId);
    if (book === undefined) throw BookshopErrors.bookNotFound.create(`no book ${bookId}`, { bookId });
    return book;
  });

  const apps = new Map<string, INestApplicationContext>();
  for (const nodeId of nodeIds) {
    const settings = readSettings(cartSettingsSchema, {
      AMQP_URL: vhost.url,
      NODE_ID: nodeId,
      REDIS_URL: redisUrl,
      DATA_PREFIX: dataPrefix,
    });
    apps.set(
      nodeId,
      await NestFactory.createApplicationContext(createCartModule(settings, logger), {
        logger: false,
        abortOnError: false,
      }),
    );
  }

  let target: string | undefined;
  const caller = await Bus.connect({
    url: vhost.url,
    logger,
    nodeId: 'gateway-stand-in',
    keyRouter: { nodeFor: () => target },
  });

  return {
    vhost,
    nodeIds,
    caller,
    store,
    aimAt(nodeId) {
      target = nodeId;
    },
    busOf(nodeId) {
      const app = apps.get(nodeId);
      if (app === undefined) throw new Error(`no cart node ${nodeId}`);
      return app.get(Bus);
    },
    holdCatalog() {
      let release: () => void = () => undefined;
      gate = new Promise<void>((resolve) => (release = resolve));
      return {
        held: () => heldCount,
        release: () => {
          gate = undefined;
          release();
        },
      };
    },
    async close() {
      await caller.close();
      for (const app of apps.values()) await app.close();
      await catalog.close();
      await store.deleteEverything();
      await store.close();
      await vhost.delete();
    },
  };
}
