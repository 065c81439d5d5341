import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { BusModule, HandlesCall } from '../src';
import { defineCall } from '@trellis/contracts';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost } from '@trellis/testing';

const quote = defineCall({
  name: 'pricing.quote',
  policy: 'at-least-once',
  request: z.object({ bookId: z.string() }),
  reply: z.object({ totalCents: z.number().int() }),
});

@Injectable()
class Pricing {
  @HandlesCall(quote)
  quote(): { totalCents: number } {
    return { totalCents: 1 };
  }
}

@Injectable()
class Discounts {
  @HandlesCall(quote)
  price(): { totalCents: number } {
    return { totalCents: 0 };
  }
}

@Module({ providers: [Pricing, Discounts] })
class PricingModule {}

let vhost: RabbitVhost;

beforeAll(async () => {
  vhost = await createRabbitVhost('bus-nest-twice');
});

afterAll(async () => {
  await vhost.delete();
});

it('refuses to start a node that serves one interface from two methods, naming both', async () => {
  const started = NestFactory.createApplicationContext(
    {
      module: PricingModule,
      imports: [BusModule.forRoot({ url: vhost.url, logger: pino({ level: 'silent' }) })],
    },
    { logger: false, abortOnError: false },
  );
  await expect(started).rejects.toThrow('pricing.quote is handled by Pricing.quote and Discounts.price');
});
