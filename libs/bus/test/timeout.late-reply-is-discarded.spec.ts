import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineCall } from '@trellis/contracts';
import type { DeliveryPolicy } from '@trellis/contracts';
import { Bus, BusErrors } from '../src';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, waitFor } from '@trellis/testing';
import { pino } from 'pino';

function echo(policy: DeliveryPolicy, name: string) {
  return defineCall({
    name,
    policy,
    request: z.object({ id: z.string(), delayMs: z.number() }),
    reply: z.object({ id: z.string() }),
    timeoutMs: 150,
    retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 20 },
  });
}

const fireAndForget = echo('at-most-once', 'slow.echoOnce');
const retried = echo('at-least-once', 'slow.echo');

let vhost: RabbitVhost;
let caller: Bus;
let handler: Bus;
const handledIds: string[] = [];

beforeAll(async () => {
  vhost = await createRabbitVhost('timeouts');
  const logger = pino({ level: 'silent' });
  handler = await Bus.connect({ url: vhost.url, logger });
  caller = await Bus.connect({ url: vhost.url, logger });
  for (const contract of [fireAndForget, retried]) {
    await handler.handle(contract, async ({ id, delayMs }) => {
      handledIds.push(id);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { id };
    });
  }
});

afterAll(async () => {
  await caller.close();
  await handler.close();
  await vhost.delete();
});

it('times an at-most-once call out once, never re-sends it, and discards the late reply', async () => {
  const error = await caller.call(fireAndForget, { id: 'slow-1', delayMs: 400 }).catch((e: unknown) => e);
  expect(BusErrors.timeout.is(error)).toBe(true);
  // While the late reply is still on its way, a fast call must get its own reply, not the late one.
  await expect(caller.call(fireAndForget, { id: 'fast-1', delayMs: 0 })).resolves.toEqual({ id: 'fast-1' });
  await waitFor(() => caller.metrics.count(fireAndForget.name, 'lateReplies') === 1, {
    timeoutMs: 3_000,
    description: 'the late reply to be counted',
  });
  expect(caller.metrics.count(fireAndForget.name, 'sent')).toBe(2);
  expect(caller.metrics.count(fireAndForget.name, 'retried')).toBe(0);
  expect(handledIds.filter((id) => id === 'slow-1')).toHaveLength(1);
});

it('retries an at-least-once call after each timeout up to its limit, then reports the timeout', async () => {
  const error = await caller.call(retried, { id: 'slow-2', delayMs: 400 }).catch((e: unknown) => e);
  expect(BusErrors.timeout.is(error)).toBe(true);
  expect(caller.metrics.count(retried.name, 'sent')).toBe(retried.retry.maxAttempts);
  expect(caller.metrics.count(retried.name, 'retried')).toBe(retried.retry.maxAttempts - 1);
  expect(caller.metrics.count(retried.name, 'timedOut')).toBe(retried.retry.maxAttempts);
});

it('does not run a request whose caller already gave up', async () => {
  // With no node consuming, every attempt waits in the queue past its deadline; the node that starts later
  // drops them rather than doing work nobody waits for.
  await handler.close();
  const error = await caller
    .call(retried, { id: 'expires', delayMs: 0 }, { connectWaitMs: 0 })
    .catch((e: unknown) => e);
  expect(BusErrors.timeout.is(error)).toBe(true);
  handler = await Bus.connect({ url: vhost.url, logger: pino({ level: 'silent' }) });
  await handler.handle(retried, ({ id }) => {
    handledIds.push(id);
    return { id };
  });
  await waitFor(() => handler.metrics.count(retried.name, 'expired') >= retried.retry.maxAttempts, {
    timeoutMs: 5_000,
    description: 'the queued attempts to be dropped as expired',
  });
  expect(handledIds).not.toContain('expires');
});
