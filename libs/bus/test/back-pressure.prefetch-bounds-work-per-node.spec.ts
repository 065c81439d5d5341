import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineCall } from '@trellis/contracts';
import type { DeliveryPolicy } from '@trellis/contracts';
import { Bus, BusErrors } from '../src';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost } from '@trellis/testing';
import { pino } from 'pino';

function slowContract(policy: DeliveryPolicy, name: string) {
  return defineCall({
    name,
    policy,
    request: z.object({ id: z.number() }),
    reply: z.object({ id: z.number() }),
    prefetch: 2,
    timeoutMs: 5_000,
  });
}

const durable = slowContract('at-least-once', 'busy.work');
const fireAndForget = slowContract('at-most-once', 'busy.workOnce');

let vhost: RabbitVhost;
let caller: Bus;
let handler: Bus;
const running = new Map<string, { now: number; max: number }>();

beforeAll(async () => {
  vhost = await createRabbitVhost('back-pressure');
  const logger = pino({ level: 'silent' });
  handler = await Bus.connect({ url: vhost.url, logger, nodeId: 'busy-1' });
  caller = await Bus.connect({ url: vhost.url, logger });
  for (const contract of [durable, fireAndForget]) {
    const gauge = { now: 0, max: 0 };
    running.set(contract.name, gauge);
    await handler.handle(contract, async ({ id }) => {
      gauge.now += 1;
      gauge.max = Math.max(gauge.max, gauge.now);
      await new Promise((resolve) => setTimeout(resolve, 150));
      gauge.now -= 1;
      return { id };
    });
  }
});

afterAll(async () => {
  await caller.close();
  await handler.close();
  await vhost.delete();
});

it('never runs more durable handlers at once than the prefetch; the rest wait in the queue', async () => {
  const replies = await Promise.all([1, 2, 3, 4, 5, 6].map((id) => caller.call(durable, { id })));
  expect(replies.map((reply) => reply.id)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(running.get(durable.name)?.max).toBe(2);
});

it('sheds at-most-once work beyond the prefetch at once with bus.overloaded', async () => {
  const outcomes = await Promise.all(
    [1, 2, 3, 4, 5].map((id) =>
      caller.call(fireAndForget, { id }).then(
        () => 'ok',
        (error: unknown) => (BusErrors.overloaded.is(error) ? 'overloaded' : 'other'),
      ),
    ),
  );
  expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(2);
  expect(outcomes.filter((outcome) => outcome === 'overloaded')).toHaveLength(3);
  expect(handler.metrics.count(fireAndForget.name, 'shed')).toBe(3);
  expect(running.get(fireAndForget.name)?.max).toBe(2);
});
