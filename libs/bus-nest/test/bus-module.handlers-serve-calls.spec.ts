import { Injectable, Module } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Bus } from '@trellis/bus';
import type { HandlerContext } from '@trellis/bus';
import { BusHealthIndicator, BusModule, HandlesCall, Subscribes } from '../src';
import { defineCall, defineMessage } from '@trellis/contracts';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, waitFor } from '@trellis/testing';

const quote = defineCall({
  name: 'pricing.quote',
  policy: 'at-least-once',
  request: z.object({ bookId: z.string(), quantity: z.number().int().positive() }),
  reply: z.object({ totalCents: z.number().int(), servedBy: z.string() }),
  timeoutMs: 3_000,
  // One attempt: a reply lost at shutdown must show as a failed call, not be hidden by a retry elsewhere.
  retry: { maxAttempts: 1 },
});

const bookViewed = defineMessage({
  name: 'pricing.bookViewed',
  policy: 'at-least-once',
  request: z.object({ bookId: z.string() }),
});

/** Lets the test hold one call in its handler until it decides to let go. */
class Gate {
  entered = false;
  private release: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  open(): void {
    this.release();
  }
}

const events: string[] = [];
const viewed: string[] = [];
const slowCall = new Gate();

@Injectable()
class PricingHandlers {
  // The injected bus proves the module provides it by class, and `this` proves handlers are bound.
  constructor(private readonly bus: Bus) {}

  @HandlesCall(quote)
  async quote(
    { bookId, quantity }: { bookId: string; quantity: number },
    _context: HandlerContext,
  ): Promise<{ totalCents: number; servedBy: string }> {
    if (bookId === 'slow') {
      slowCall.entered = true;
      await slowCall.opened;
      events.push('slow call replied');
    }
    return { totalCents: quantity * 1250, servedBy: this.bus.nodeId };
  }

  @Subscribes(bookViewed)
  viewed({ bookId }: { bookId: string }): void {
    viewed.push(bookId);
  }
}

@Module({ providers: [PricingHandlers] })
class PricingModule {}

const logger = pino({ level: 'silent' });
let vhost: RabbitVhost;
let caller: Bus;
let app: INestApplicationContext;

beforeAll(async () => {
  vhost = await createRabbitVhost('bus-nest');
  app = await NestFactory.createApplicationContext(
    {
      module: PricingModule,
      imports: [
        BusModule.forRoot({ url: vhost.url, logger, nodeId: 'pricing-1', shutdownTimeoutMs: 10_000 }),
      ],
    },
    { logger: false, abortOnError: false },
  );
  caller = await Bus.connect({ url: vhost.url, logger, nodeId: 'gateway-1' });
});

afterAll(async () => {
  await app.close();
  await caller.close();
  await vhost.delete();
});

it('serves a @HandlesCall method with the typed reply, bound to its provider', async () => {
  await expect(caller.call(quote, { bookId: 'b1', quantity: 3 })).resolves.toEqual({
    totalCents: 3750,
    servedBy: 'pricing-1',
  });
});

it('delivers an emitted message to the @Subscribes method', async () => {
  await caller.emit(bookViewed, { bookId: 'b7' });
  await waitFor(() => viewed.length > 0, { timeoutMs: 5_000, description: 'the event to arrive' });
  expect(viewed).toEqual(['b7']);
});

it('reports the bus up while connected', () => {
  expect(app.get(BusHealthIndicator).check()).toEqual({
    status: 'up',
    details: { connected: true, nodeId: 'pricing-1' },
  });
});

/** What the call in flight during `app.close()` came to: its reply, or the error it failed with. */
let replyDuringClose: unknown;

it('closes the bus on app.close() only after the handler in flight has finished', async () => {
  const bus = app.get(Bus);
  // A pass-through spy, only to learn when the shutdown reached the bus; the real close runs.
  const close = vi.spyOn(bus, 'close');
  const reply = caller.call(quote, { bookId: 'slow', quantity: 2 }).catch((error: unknown) => error);
  await waitFor(() => slowCall.entered, {
    timeoutMs: 5_000,
    description: 'the slow call to reach its handler',
  });

  const closed = app.close().then(() => events.push('app closed'));
  await waitFor(() => close.mock.calls.length > 0, {
    timeoutMs: 5_000,
    description: 'app.close() to close the bus',
  });
  expect(events).toEqual([]);
  slowCall.open();
  await closed;
  replyDuringClose = await reply;

  expect(events).toEqual(['slow call replied', 'app closed']);
  expect(close).toHaveBeenCalledTimes(1);
  expect(bus.isConnected).toBe(false);
  expect(app.get(BusHealthIndicator).check().status).toBe('down');
});

it('delivers the reply of the call that was in flight during app.close()', () => {
  expect(replyDuringClose).toEqual({ totalCents: 2500, servedBy: 'pricing-1' });
});
