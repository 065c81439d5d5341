import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineCall } from '@trellis/contracts';
import { Bus } from '../src';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, waitFor } from '@trellis/testing';
import { pino } from 'pino';

const lookup = defineCall({
  name: 'stock.lookup',
  policy: 'at-least-once',
  request: z.object({ sku: z.string() }),
  reply: z.object({ count: z.number() }),
});

let vhost: RabbitVhost;
let caller: Bus;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  vhost = await createRabbitVhost('live-handlers');
  caller = await Bus.connect({ url: vhost.url, logger });
});

afterAll(async () => {
  await caller.close();
  await vhost.delete();
});

it('counts the nodes serving an interface: none before any starts, one per node, none after they stop', async () => {
  await expect(caller.liveHandlersOf(lookup)).resolves.toBe(0);
  const nodes = [
    await Bus.connect({ url: vhost.url, logger }),
    await Bus.connect({ url: vhost.url, logger }),
  ];
  for (const node of nodes) await node.handle(lookup, () => ({ count: 1 }));
  await expect(caller.liveHandlersOf(lookup)).resolves.toBe(2);
  await nodes[0]?.close();
  await expect(caller.liveHandlersOf(lookup)).resolves.toBe(1);
  await nodes[1]?.close();
  await waitFor(async () => (await caller.liveHandlersOf(lookup)) === 0, {
    timeoutMs: 5_000,
    description: 'no node left serving stock.lookup',
  });
  // The checks never disturbed the caller's own channels.
  expect(caller.isConnected).toBe(true);
});
