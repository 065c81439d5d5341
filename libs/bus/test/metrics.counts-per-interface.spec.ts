// The bus's counters after a known sequence of calls: each side counts exactly what happened, per interface.
import { z } from 'zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineCall, defineErrorType } from '@trellis/contracts';
import type { BusCounter, InterfaceCounters } from '../src';
import { Bus, busCounters, BusErrors } from '../src';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, waitFor } from '@trellis/testing';
import { pino } from 'pino';

const request = z.object({ id: z.string() });
const reply = z.object({ id: z.string() });

const quote = defineCall({ name: 'meter.quote', policy: 'at-least-once', request, reply, timeoutMs: 3_000 });
const slowPeek = defineCall({
  name: 'meter.slowPeek',
  policy: 'at-most-once',
  request,
  reply,
  timeoutMs: 100,
});
const flakyReserve = defineCall({
  name: 'meter.flakyReserve',
  policy: 'at-least-once',
  request,
  reply,
  timeoutMs: 3_000,
  retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
});

const busy = defineErrorType('meter.busy', 503, true);
const slowHandlerMs = 400;

let vhost: RabbitVhost;
let caller: Bus;
let handler: Bus;

beforeAll(async () => {
  vhost = await createRabbitVhost('metrics');
  const logger = pino({ level: 'silent' });
  handler = await Bus.connect({ url: vhost.url, logger, nodeId: 'meter-1' });
  caller = await Bus.connect({ url: vhost.url, logger, nodeId: 'gateway-1' });
  await handler.handle(quote, ({ id }) => ({ id }));
  await handler.handle(slowPeek, async ({ id }) => {
    await new Promise((resolve) => setTimeout(resolve, slowHandlerMs));
    return { id };
  });
  let reserveAttempts = 0;
  await handler.handle(flakyReserve, ({ id }) => {
    reserveAttempts += 1;
    if (reserveAttempts === 1) throw busy.create('try again');
    return { id };
  });
});

afterAll(async () => {
  await caller?.close();
  await handler?.close();
  await vhost?.delete();
});

/** Every counter of `name` in a snapshot: the ones given, 0 for the rest. */
function countsOf(snapshot: InterfaceCounters[], name: string): Record<BusCounter, number> | undefined {
  return snapshot.find((entry) => entry.interface === name)?.counts;
}

function only(counts: Partial<Record<BusCounter, number>>): Record<BusCounter, number> {
  return Object.fromEntries(busCounters.map((counter) => [counter, counts[counter] ?? 0])) as Record<
    BusCounter,
    number
  >;
}

function print(name: string): void {
  process.stdout.write(
    `${JSON.stringify({
      test: 'metrics per interface',
      interface: name,
      caller: countsOf(caller.metrics.snapshot(), name),
      handler: countsOf(handler.metrics.snapshot(), name),
    })}\n`,
  );
}

it('counts two answered calls once each on both sides', async () => {
  await caller.call(quote, { id: 'q-1' });
  await caller.call(quote, { id: 'q-2' });
  print(quote.name);
  expect(countsOf(caller.metrics.snapshot(), quote.name)).toEqual(only({ sent: 2 }));
  expect(countsOf(handler.metrics.snapshot(), quote.name)).toEqual(only({ handled: 2, replied: 2 }));
});

it('counts a timed-out at-most-once call once, never retried, and its late reply', async () => {
  const error = await caller.call(slowPeek, { id: 'p-1' }).catch((e: unknown) => e);
  expect(BusErrors.timeout.is(error)).toBe(true);
  // The handler still finishes and answers; the caller counts that answer as late.
  await waitFor(() => caller.metrics.count(slowPeek.name, 'lateReplies') === 1, {
    timeoutMs: 5_000,
    intervalMs: 20,
    description: 'the late reply to arrive',
  });
  print(slowPeek.name);
  expect(countsOf(caller.metrics.snapshot(), slowPeek.name)).toEqual(
    only({ sent: 1, timedOut: 1, lateReplies: 1 }),
  );
  expect(countsOf(handler.metrics.snapshot(), slowPeek.name)).toEqual(only({ handled: 1, replied: 1 }));
  expect(caller.metrics.snapshot().find((entry) => entry.interface === slowPeek.name)?.policy).toBe(
    'at-most-once',
  );
});

it('counts a call retried once after a retryable refusal: two sends, one retry, one handled', async () => {
  await expect(caller.call(flakyReserve, { id: 'r-1' })).resolves.toEqual({ id: 'r-1' });
  print(flakyReserve.name);
  expect(countsOf(caller.metrics.snapshot(), flakyReserve.name)).toEqual(only({ sent: 2, retried: 1 }));
  // The refusal is an answer too (replied), but only the successful run counts as handled.
  expect(countsOf(handler.metrics.snapshot(), flakyReserve.name)).toEqual(only({ handled: 1, replied: 2 }));
});

it('counts nothing for interfaces it never used', () => {
  expect(
    caller.metrics
      .snapshot()
      .map((entry) => entry.interface)
      .sort(),
  ).toEqual([flakyReserve.name, quote.name, slowPeek.name].sort());
  expect(handler.metrics.count('meter.neverCalled', 'sent')).toBe(0);
});
