// Starts cart nodes (Nest application contexts, in this process) on a throwaway vhost and data prefix, each
// dataset shared as the test says, with a stand-in for the catalog node and a caller that follows the cart
// family's ring the way the gateway does, or is aimed at one chosen node.
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Bus } from '@trellis/bus';
import type { HandledRequestOf, HandlerReplyOf } from '@trellis/contracts';
import { BookshopErrors, getBook } from '@trellis/contracts';
import type { SharingStrategy } from '@trellis/data';
import { DataNode } from '@trellis/data';
import { readSettings } from '@trellis/node-kit';
import { RingObserver, ringKeyRouter } from '@trellis/ring';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, deleteRedisPrefix, waitFor } from '@trellis/testing';
// Test code may reach Redis itself, to delete the prefix's keys afterwards.
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

/** How the cluster's two datasets are shared (each `something` when not given, as the nodes default). */
export interface CartClusterSharing {
  readonly sessions?: SharingStrategy;
  readonly carts?: SharingStrategy;
}

/** Cart nodes on one ring, a catalogue and a caller on one vhost, with one data prefix. */
export interface CartCluster {
  readonly vhost: RabbitVhost;
  readonly nodeIds: readonly string[];
  /** The gateway's stand-in: keyed calls go to the key's owner on the ring, or to the node named by `aimAt`. */
  readonly caller: Bus;
  /** Sends the next keyed calls to this node's own queue; `undefined` to follow the ring again. */
  aimAt(nodeId: string | undefined): void;
  /** The node that owns `sessionId` on the ring (the one the caller sends its calls to). */
  ownerOf(sessionId: string): string;
  /** A node other than the owner of `sessionId` (needs two nodes or more). */
  nonOwnerOf(sessionId: string): string;
  /** The bus of one cart node (for its counters). */
  busOf(nodeId: string): Bus;
  /** Holds every catalog.get until `release()`; returns how many calls are being held. */
  holdCatalog(): { held(): number; release(): void };
  /** Closes everything and deletes the vhost and every key under the data prefix. */
  close(): Promise<void>;
}

/**
 * Starts one cart node per id, one after the other, sharing one data prefix and one ring, a catalogue that
 * knows {@link books}, and a caller. Resolves once every node has adopted the ring that holds them all and is
 * ready (its datasets fetched or synced), so calls can be aimed from the first test on.
 */
export async function startCartCluster(
  label: string,
  nodeIds: readonly string[],
  sharing: CartClusterSharing = {},
): Promise<CartCluster> {
  const logger = pino({ level: process.env['TRELLIS_TEST_VERBOSE'] === '1' ? 'debug' : 'silent' });
  const vhost = await createRabbitVhost(label);
  const dataPrefix = `trellis-test-${label}-${randomUUID()}`;

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

  const startedAt = performance.now();
  const apps = new Map<string, INestApplicationContext>();
  for (const nodeId of nodeIds) {
    const settings = readSettings(cartSettingsSchema, {
      AMQP_URL: vhost.url,
      NODE_ID: nodeId,
      REDIS_URL: redisUrl,
      DATA_PREFIX: dataPrefix,
      // Short, so a ring change and a share-everything repair take a fraction of a test's time.
      MEMBERSHIP_DEAD_AFTER_MS: '1500',
      ANTI_ENTROPY_MS: '500',
      DATASET_SESSIONS_SHARING: sharing.sessions ?? 'something',
      DATASET_CARTS_SHARING: sharing.carts ?? 'something',
    });
    apps.set(
      nodeId,
      await NestFactory.createApplicationContext(createCartModule(settings, logger), {
        logger: false,
        abortOnError: false,
      }),
    );
  }
  const dataNodeOf = (nodeId: string): DataNode => {
    const app = apps.get(nodeId);
    if (app === undefined) throw new Error(`no cart node ${nodeId}`);
    return app.get(DataNode);
  };

  const observer = new RingObserver({
    url: redisUrl,
    prefix: dataPrefix,
    family: 'cart',
    refreshEveryMs: 100,
  });
  await observer.start();
  const members = [...nodeIds].sort().join(',');
  const ring = await waitFor(
    () => {
      const stored = observer.current();
      const settled =
        stored !== undefined &&
        stored.members.join(',') === members &&
        nodeIds.every((nodeId) => {
          const node = dataNodeOf(nodeId);
          return node.ring?.epoch === stored.epoch && node.ready;
        });
      return settled && stored;
    },
    { timeoutMs: 15_000, description: `cart nodes ${members} on one ring, each ready` },
  );
  process.stdout.write(
    `${JSON.stringify({ cluster: label, nodes: nodeIds.length, sharing: { sessions: sharing.sessions ?? 'something', carts: sharing.carts ?? 'something' }, epoch: ring.epoch, partitionsOwned: Object.fromEntries(nodeIds.map((nodeId) => [nodeId, ring.owners.filter((owner) => owner === nodeId).length])), readyAfterMs: Math.round(performance.now() - startedAt) })}\n`,
  );

  let target: string | undefined;
  const ringRouter = ringKeyRouter({ sessions: observer, cart: observer });
  const caller = await Bus.connect({
    url: vhost.url,
    logger,
    nodeId: 'gateway-stand-in',
    keyRouter: { nodeFor: (contractName, key) => target ?? ringRouter.nodeFor(contractName, key) },
  });

  const ownerOf = (sessionId: string): string => {
    const owner = observer.preferenceList(sessionId, 1)[0];
    if (owner === undefined) throw new Error('the cart family has no ring');
    return owner;
  };

  return {
    vhost,
    nodeIds,
    caller,
    aimAt(nodeId) {
      target = nodeId;
    },
    ownerOf,
    nonOwnerOf(sessionId) {
      const owner = ownerOf(sessionId);
      const other = nodeIds.find((nodeId) => nodeId !== owner);
      if (other === undefined) throw new Error(`no cart node other than ${owner}`);
      return other;
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
      await observer.stop();
      // Together: each node leaves the ring and answers its successors' fetches for a moment before it stops.
      await Promise.all([...apps.values()].map((app) => app.close()));
      await catalog.close();
      await deleteRedisPrefix(dataPrefix);
      await vhost.delete();
    },
  };
}
