import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bus } from '@trellis/bus';
import { defineCall } from '@trellis/contracts';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, waitFor } from '@trellis/testing';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Membership, ringKeyRouter } from '../src';

const reserve = defineCall({
  name: 'stock.reserve',
  policy: 'at-least-once',
  request: z.object({ sku: z.string() }),
  reply: z.object({ servedBy: z.string() }),
  routing: { kind: 'by-key', keyOf: (request: { sku: string }) => request.sku },
});

const redisUrl = 'redis://127.0.0.1:6379';
const prefix = `trellis-test-router-${randomBytes(4).toString('hex')}`;
const logger = pino({ level: 'silent' });
const skus = Array.from({ length: 40 }, (_, index) => `sku-${index}`);

let vhost: RabbitVhost;
let caller: Bus;
const nodes = new Map<string, { bus: Bus; membership: Membership }>();

async function startNode(nodeId: string): Promise<void> {
  const membership = new Membership({ url: redisUrl, prefix, family: 'stock', nodeId, deadAfterMs: 900 });
  const bus = await Bus.connect({ url: vhost.url, nodeId, logger });
  await bus.handle(reserve, () => ({ servedBy: nodeId }));
  // Join once the node's own queue is bound, so keys routed to it find it.
  await membership.join();
  nodes.set(nodeId, { bus, membership });
}

function membershipOf(nodeId: string): Membership {
  const node = nodes.get(nodeId);
  if (node === undefined) throw new Error(`no node ${nodeId}`);
  return node.membership;
}

beforeAll(async () => {
  vhost = await createRabbitVhost('ring-router');
  await startNode('stock-a');
  await startNode('stock-b');
  await waitFor(
    async () => {
      const rings = await Promise.all(['stock-a', 'stock-b'].map((id) => membershipOf(id).refresh()));
      return rings.every((ring) => ring.members.length === 2 && ring.epoch === rings[0]?.epoch);
    },
    { timeoutMs: 5_000, description: 'both nodes on one ring' },
  );
  caller = await Bus.connect({
    url: vhost.url,
    logger,
    keyRouter: ringKeyRouter({ stock: membershipOf('stock-a') }),
  });
});

afterAll(async () => {
  await caller?.close();
  for (const { bus, membership } of nodes.values()) {
    await membership.leave().catch(() => undefined);
    await bus.close();
  }
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await vhost?.delete();
});

it('sends every keyed call to the node that owns its key on the ring, and follows the ring when a node leaves', async () => {
  const ring = membershipOf('stock-a');
  const served = await Promise.all(skus.map((sku) => caller.call(reserve, { sku })));
  const misrouted = skus.filter((sku, index) => served[index]?.servedBy !== ring.preferenceList(sku, 1)[0]);
  const perNode = { a: served.filter((reply) => reply.servedBy === 'stock-a').length, b: 0 };
  perNode.b = skus.length - perNode.a;
  process.stdout.write(
    `${JSON.stringify({ test: 'ring key router', calls: skus.length, misrouted: misrouted.length, ...perNode })}\n`,
  );
  expect(misrouted).toEqual([]);
  expect(perNode.a).toBeGreaterThan(0);
  expect(perNode.b).toBeGreaterThan(0);

  await membershipOf('stock-b').leave();
  await waitFor(async () => (await ring.refresh()).members.length === 1, {
    timeoutMs: 5_000,
    description: 'the ring without stock-b',
  });
  const after = await Promise.all(skus.map((sku) => caller.call(reserve, { sku })));
  expect(after.every((reply) => reply.servedBy === 'stock-a')).toBe(true);
});
