import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCall, defineErrorType, defineMessage, TrellisError } from '@trellis/contracts';
import type { DeliveryPolicy } from '@trellis/contracts';
import { Bus, BusErrors } from '../src';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, waitFor } from '@trellis/testing';
import { pino } from 'pino';

const outOfStock = defineErrorType('test.out_of_stock', 409, false);

function priceContract(policy: DeliveryPolicy) {
  return defineCall({
    name: policy === 'at-most-once' ? 'pricing.quoteFast' : 'pricing.quote',
    policy,
    request: z.object({ bookId: z.string(), quantity: z.number().int().positive() }),
    reply: z.object({ totalCents: z.number().int() }),
    timeoutMs: 2_000,
  });
}

const bookViewed = defineMessage({
  name: 'pricing.bookViewed',
  policy: 'at-least-once',
  request: z.object({ bookId: z.string() }),
});

let vhost: RabbitVhost;
let caller: Bus;
let handler: Bus;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  vhost = await createRabbitVhost('round-trip');
  handler = await Bus.connect({ url: vhost.url, logger, nodeId: 'pricing-1' });
  caller = await Bus.connect({ url: vhost.url, logger, nodeId: 'gateway-1' });
});

afterAll(async () => {
  await caller.close();
  await handler.close();
  await vhost.delete();
});

describe.each(['at-most-once', 'at-least-once'] as const)('a %s call', (policy) => {
  const contract = priceContract(policy);

  beforeAll(async () => {
    await handler.handle(contract, ({ bookId, quantity }) => {
      if (bookId === 'sold-out') throw outOfStock.create('no copies left', { bookId });
      return { totalCents: quantity * 1250 };
    });
  });

  it('returns the typed reply', async () => {
    await expect(caller.call(contract, { bookId: 'b1', quantity: 3 })).resolves.toEqual({ totalCents: 3750 });
  });

  it('rebuilds a catalogued error from its data, without retrying a non-retryable one', async () => {
    const error = await caller.call(contract, { bookId: 'sold-out', quantity: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrellisError);
    expect(error).toMatchObject({
      code: 'test.out_of_stock',
      status: 409,
      retryable: false,
      data: { bookId: 'sold-out' },
    });
    expect(caller.metrics.count(contract.name, 'retried')).toBe(0);
  });

  it('refuses an invalid request before sending it', async () => {
    const error = await caller.call(contract, { bookId: 'b1', quantity: -1 }).catch((e: unknown) => e);
    expect(BusErrors.invalidMessage.is(error)).toBe(true);
  });
});

it('fails fast with no_route when no node of the family ever started', async () => {
  const nobody = defineCall({
    name: 'nobody.listens',
    policy: 'at-least-once',
    request: z.object({}),
    reply: z.object({}),
    retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10 },
  });
  const started = Date.now();
  const error = await caller.call(nobody, {}).catch((e: unknown) => e);
  expect(BusErrors.noRoute.is(error)).toBe(true);
  expect(Date.now() - started).toBeLessThan(nobody.timeoutMs);
});

it('delivers an emitted message to the subscribing family once confirmed', async () => {
  const seen: string[] = [];
  await handler.subscribe(bookViewed, ({ bookId }) => {
    seen.push(bookId);
  });
  await caller.emit(bookViewed, { bookId: 'b7' });
  await waitFor(() => seen.length > 0, { timeoutMs: 5_000, description: 'the event to arrive' });
  expect(seen).toEqual(['b7']);
  expect(handler.metrics.count(bookViewed.name, 'handled')).toBe(1);
});
