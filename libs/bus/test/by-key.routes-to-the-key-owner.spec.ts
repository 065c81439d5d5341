// Keyed routing: a call routed by key reaches the node its key router names, through that node's own queue.
import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineCall } from '@trellis/contracts';
import { Bus, BusErrors } from '../src';
import type { KeyRouter } from '../src';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost } from '@trellis/testing';
import { pino } from 'pino';

const viewCart = defineCall({
  name: 'cart.view',
  policy: 'at-least-once',
  request: z.object({ sessionId: z.string() }),
  reply: z.object({ nodeId: z.string(), key: z.string().nullable() }),
  routing: { kind: 'by-key', keyOf: (request) => request.sessionId },
  timeoutMs: 3_000,
  retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
});

/** A static ownership table standing in for the ring: ten sessions per node, `free-*` owned by nobody. */
const owners = new Map<string, string>();
for (let i = 0; i < 10; i += 1) {
  owners.set(`s-${i}-a`, 'cart-1');
  owners.set(`s-${i}-b`, 'cart-2');
}
owners.set('lost-session', 'cart-9');
const routed: [contractName: string, key: string][] = [];
const keyRouter: KeyRouter = {
  nodeFor(contractName, key) {
    routed.push([contractName, key]);
    return owners.get(key);
  },
};

let vhost: RabbitVhost;
const handlers: Bus[] = [];
let caller: Bus;

beforeAll(async () => {
  vhost = await createRabbitVhost('by-key');
  const logger = pino({ level: 'silent' });
  for (const nodeId of ['cart-1', 'cart-2']) {
    const node = await Bus.connect({ url: vhost.url, logger, nodeId });
    handlers.push(node);
    await node.handle(viewCart, (_request, context) => ({ nodeId: node.nodeId, key: context.key ?? null }));
  }
  caller = await Bus.connect({ url: vhost.url, logger, nodeId: 'gateway-1', keyRouter });
});

afterAll(async () => {
  await caller?.close();
  await Promise.all(handlers.map((node) => node.close()));
  await vhost?.delete();
});

it('lands every call on the node that owns its key, and the handler sees the key', async () => {
  const sessions = [...owners.keys()].filter((key) => key.startsWith('s-'));
  const replies = await Promise.all(sessions.map((sessionId) => caller.call(viewCart, { sessionId })));

  // Competing consumers on a shared queue would put about half of these on the wrong node.
  const misrouted = sessions.filter((sessionId, i) => replies[i]?.nodeId !== owners.get(sessionId));
  process.stdout.write(
    `${JSON.stringify({ test: 'by-key routing', calls: sessions.length, misrouted: misrouted.length })}\n`,
  );
  expect(misrouted).toEqual([]);
  expect(replies.map((reply) => reply.key)).toEqual(sessions);
  expect(routed).toEqual(expect.arrayContaining(sessions.map((key) => ['cart.view', key])));
});

it('sends a key the router maps to no node to the shared queue, where either node takes it', async () => {
  const sessions = Array.from({ length: 10 }, (_, i) => `free-${i}`);
  const replies = await Promise.all(sessions.map((sessionId) => caller.call(viewCart, { sessionId })));
  for (const [i, reply] of replies.entries()) {
    expect(['cart-1', 'cart-2']).toContain(reply.nodeId);
    expect(reply.key).toBe(sessions[i]);
  }
});

it('fails fast with bus.no_route when the router names a node that never started', async () => {
  const started = Date.now();
  const error = await caller.call(viewCart, { sessionId: 'lost-session' }).catch((e: unknown) => e);
  const elapsedMs = Date.now() - started;
  expect(BusErrors.noRoute.is(error)).toBe(true);
  expect((error as Error).message).toContain('cart.view@cart-9');
  // Not a timeout: every attempt is refused by the broker at once (the contract waits 3 s per attempt).
  expect(elapsedMs).toBeLessThan(viewCart.timeoutMs);
  expect(caller.metrics.count(viewCart.name, 'timedOut')).toBe(0);
});
