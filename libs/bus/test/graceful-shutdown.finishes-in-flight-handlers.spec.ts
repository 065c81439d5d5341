// Graceful shutdown: a closing node finishes (and answers) what it already took, takes nothing new, and a
// closing caller fails the calls still waiting instead of leaving them hanging.
import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineCall } from '@trellis/contracts';
import { Bus, BusErrors } from '../src';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, waitFor } from '@trellis/testing';
import { pino } from 'pino';

const handlerMs = 300;

const slowQuoteShape = {
  name: 'pricing.slowQuote',
  policy: 'at-least-once',
  request: z.object({ id: z.string() }),
  reply: z.object({ id: z.string(), handledBy: z.string() }),
  // One attempt, so that a call nobody takes fails by its timeout instead of being retried.
  retry: { maxAttempts: 1 },
} as const;
/** Generous, so that a loaded machine does not turn a slow handler into a timeout. */
const slowQuote = defineCall({ ...slowQuoteShape, timeoutMs: 10_000 });
/** The same interface (same queue) as seen by a caller that gives up soon: for the call nobody may take. */
const impatientSlowQuote = defineCall({ ...slowQuoteShape, timeoutMs: 500 });

const stuckQuote = defineCall({
  name: 'pricing.stuckQuote',
  policy: 'at-least-once',
  request: z.object({ id: z.string() }),
  reply: z.object({ id: z.string() }),
  timeoutMs: 10_000,
});

const logger = pino({ level: 'silent' });
let vhost: RabbitVhost;
const buses: Bus[] = [];

async function connect(nodeId: string): Promise<Bus> {
  const bus = await Bus.connect({ url: vhost.url, logger, nodeId });
  buses.push(bus);
  return bus;
}

beforeAll(async () => {
  vhost = await createRabbitVhost('graceful-shutdown');
});

afterAll(async () => {
  // Closing a closed bus again is harmless; this catches the ones a failed test left open.
  await Promise.all(buses.map((bus) => bus.close()));
  await vhost?.delete();
});

it('lets handlers in flight finish and answer, then takes nothing more', async () => {
  const handler = await connect('pricing-1');
  const caller = await connect('gateway-1');
  let started = 0;
  let finished = 0;
  await handler.handle(slowQuote, async ({ id }) => {
    started += 1;
    await new Promise((resolve) => setTimeout(resolve, handlerMs));
    finished += 1;
    return { id, handledBy: handler.nodeId };
  });

  const ids = ['q-1', 'q-2', 'q-3', 'q-4', 'q-5'];
  const calls = ids.map((id) => caller.call(slowQuote, { id }));
  await waitFor(() => started === ids.length, {
    timeoutMs: 5_000,
    intervalMs: 10,
    description: 'all five handlers to be running',
  });
  expect(finished).toBe(0);

  const closeStarted = Date.now();
  await handler.close();
  const closeMs = Date.now() - closeStarted;
  // close() resolved only after every handler finished and its reply was sent.
  const atClose = { finished, replied: handler.metrics.count(slowQuote.name, 'replied') };

  const replies = await Promise.all(calls);
  process.stdout.write(
    `${JSON.stringify({ test: 'graceful shutdown', inFlightAtClose: ids.length, ...atClose, closeMs })}\n`,
  );
  expect(atClose).toEqual({ finished: 5, replied: 5 });
  expect(replies).toEqual(ids.map((id) => ({ id, handledBy: 'pricing-1' })));

  // No other node of the family is running: the closed node must not take this one.
  const late = await caller.call(impatientSlowQuote, { id: 'q-after-close' }).catch((e: unknown) => e);
  expect(BusErrors.timeout.is(late)).toBe(true);
  expect(started).toBe(5);
  expect(handler.metrics.count(slowQuote.name, 'handled')).toBe(5);

  // The message waited in the queue all along: the next node to start finds it, already past its deadline.
  const successor = await connect('pricing-2');
  await successor.handle(slowQuote, ({ id }) => ({ id, handledBy: successor.nodeId }));
  await waitFor(() => successor.metrics.count(slowQuote.name, 'expired') === 1, {
    timeoutMs: 5_000,
    description: 'the successor to find the call made after close, expired',
  });
  expect(successor.metrics.count(slowQuote.name, 'handled')).toBe(0);
});

it('fails a call still waiting with bus.unavailable when the caller closes', async () => {
  const handler = await connect('pricing-3');
  const caller = await connect('gateway-2');
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = 0;
  await handler.handle(stuckQuote, async ({ id }) => {
    started += 1;
    await released;
    return { id };
  });

  const call = caller.call(stuckQuote, { id: 'stuck-1' }).catch((e: unknown) => e);
  await waitFor(() => started === 1, {
    timeoutMs: 5_000,
    intervalMs: 10,
    description: 'the handler to start',
  });
  const closeStarted = Date.now();
  await caller.close();
  const error = await call;
  const failedAfterMs = Date.now() - closeStarted;
  process.stdout.write(
    `${JSON.stringify({
      test: 'caller close fails waiting calls',
      failedAfterMs,
      retried: caller.metrics.count(stuckQuote.name, 'retried'),
    })}\n`,
  );
  expect(BusErrors.unavailable.is(error)).toBe(true);
  // Well before the contract's own timeout: the close, not a timeout, ended the call.
  expect(failedAfterMs).toBeLessThan(stuckQuote.timeoutMs);

  release();
  await handler.close();
});
