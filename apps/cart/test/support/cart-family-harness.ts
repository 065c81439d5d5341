// What a fault test of the cart family runs beside its cart node processes: a throwaway vhost and Redis
// prefix, a stand-in catalogue, callers that aim at one node or follow the ring, and a look at the stored ring.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '@trellis/bus';
import type { HandledRequestOf } from '@trellis/contracts';
import { getBook } from '@trellis/contracts';
import type { RingState } from '@trellis/ring';
import { RingObserver, RingStore, ringKeyRouter } from '@trellis/ring';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, deleteRedisPrefix } from '@trellis/testing';
// Test code may reach Redis itself: to read the committed ring and to delete the prefix's keys afterwards.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { CartNodeOptions, CartNodeProcess } from './cart-node-processes';
import { killAllCartNodes, startCartNode } from './cart-node-processes';

const redisUrl = 'redis://127.0.0.1:6379';

/** A cart family under test and what the test talks to it with. */
export interface CartFamilyHarness {
  readonly vhost: RabbitVhost;
  /** `DATA_PREFIX` of every node of this family (random per harness). */
  readonly dataPrefix: string;
  /** The cart family's ring as Redis holds it, re-read every 100 ms. */
  readonly observer: RingObserver;
  /** A caller whose keyed calls follow the ring (sessions.* and cart.* to the session's owner). */
  readonly ringCaller: Bus;
  /** The nodes started so far, by id (stopped ones stay listed). */
  readonly nodes: ReadonlyMap<string, CartNodeProcess>;
  /** Starts a cart node process on this family's vhost and prefix; resolves once it is ready. */
  startNode(
    nodeId: string,
    options?: Omit<CartNodeOptions, 'nodeId' | 'amqpUrl' | 'dataPrefix'>,
  ): Promise<CartNodeProcess>;
  /** A caller whose keyed calls all go to `nodeId`'s own queue, whatever the ring says. */
  callerAt(nodeId: string): Promise<Bus>;
  /** The committed ring of the cart family, read from Redis now. */
  storedRing(): Promise<RingState | undefined>;
  /** Writes every node's output to a file and returns the paths (for a failed test's report). */
  saveNodeOutputs(label: string): string[];
  /** Kills the nodes, closes the callers and the catalogue, deletes the vhost and the prefix's keys. */
  close(): Promise<{ redisKeysDeleted: number }>;
}

/** Starts the stand-in catalogue (it knows every book id) and the callers on a fresh vhost and prefix. */
export async function startCartFamilyHarness(label: string): Promise<CartFamilyHarness> {
  const logger = pino({ level: process.env['TRELLIS_TEST_VERBOSE'] === '1' ? 'debug' : 'silent' });
  const vhost = await createRabbitVhost(label);
  const dataPrefix = `trellis-test-${label}-${randomUUID()}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const ringStore = new RingStore(redis, dataPrefix, 'cart');
  const observer = new RingObserver({
    url: redisUrl,
    prefix: dataPrefix,
    family: 'cart',
    refreshEveryMs: 100,
  });
  await observer.start();

  const catalog = await Bus.connect({ url: vhost.url, logger, nodeId: 'catalog-stand-in' });
  await catalog.handle(getBook, ({ bookId }: HandledRequestOf<typeof getBook>) => ({
    id: bookId,
    title: `Book ${bookId}`,
    author: 'Stand-in',
    priceCents: 1_000,
  }));
  const ringCaller = await Bus.connect({
    url: vhost.url,
    logger,
    nodeId: 'gateway-stand-in',
    keyRouter: ringKeyRouter({ sessions: observer, cart: observer }),
  });

  const nodes = new Map<string, CartNodeProcess>();
  const aimed = new Map<string, Promise<Bus>>();

  return {
    vhost,
    dataPrefix,
    observer,
    ringCaller,
    nodes,
    async startNode(nodeId, options = {}) {
      const node = await startCartNode({ ...options, nodeId, amqpUrl: vhost.url, dataPrefix });
      nodes.set(nodeId, node);
      return node;
    },
    callerAt(nodeId) {
      let caller = aimed.get(nodeId);
      if (caller === undefined) {
        caller = Bus.connect({
          url: vhost.url,
          logger,
          nodeId: `caller-at-${nodeId}`,
          keyRouter: { nodeFor: () => nodeId },
        });
        aimed.set(nodeId, caller);
      }
      return caller;
    },
    storedRing: () => ringStore.read(),
    saveNodeOutputs(name) {
      return [...nodes.values()].map((node) => {
        const path = join(tmpdir(), `${name}-${node.nodeId}-${process.pid}.log`);
        writeFileSync(path, node.output());
        return path;
      });
    },
    async close() {
      await killAllCartNodes();
      for (const caller of aimed.values()) await (await caller).close();
      await ringCaller.close();
      await catalog.close();
      await observer.stop();
      const redisKeysDeleted = await deleteRedisPrefix(dataPrefix);
      redis.disconnect();
      await vhost.delete();
      return { redisKeysDeleted };
    },
  };
}
