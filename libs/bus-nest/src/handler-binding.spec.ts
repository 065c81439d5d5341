import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCall, defineMessage } from '@trellis/contracts';
import type { CallContract } from '@trellis/contracts';
import type { HandlerContext } from '@trellis/bus';
import { bindingOf } from './handler-binding';
import type { HandlerBinding } from './handler-binding';
import { HandlesCall } from './handles-call.decorator';
import { Subscribes } from './subscribes.decorator';

const quote = defineCall({
  name: 'pricing.quote',
  policy: 'at-least-once',
  request: z.object({ bookId: z.string() }),
  reply: z.object({ totalCents: z.number().int() }),
});

const quoteFast = defineCall({
  name: 'pricing.quoteFast',
  policy: 'at-most-once',
  request: z.object({ bookId: z.string() }),
  reply: z.object({ totalCents: z.number().int() }),
});

const bookViewed = defineMessage({
  name: 'pricing.bookViewed',
  policy: 'at-least-once',
  request: z.object({ bookId: z.string() }),
});

/** The binding on a class's method, read the way discovery reads it (never calling the method). */
function bindingOn(type: { prototype: object }, methodName: string): HandlerBinding | undefined {
  return bindingOf(Reflect.get(type.prototype, methodName));
}

describe('bus handler decorators', () => {
  it('record which interface a method serves, and the subscribing family', () => {
    class Pricing {
      @HandlesCall(quote)
      quote(request: { bookId: string }, _context: HandlerContext): Promise<{ totalCents: number }> {
        return Promise.resolve({ totalCents: request.bookId.length });
      }

      @Subscribes(bookViewed, { family: 'recommendations' })
      async viewed(): Promise<void> {}

      undecorated(): void {}
    }
    expect(bindingOn(Pricing, 'quote')).toEqual({ kind: 'call', contract: quote });
    expect(bindingOn(Pricing, 'viewed')).toEqual({
      kind: 'message',
      contract: bookViewed,
      family: 'recommendations',
    });
    expect(bindingOn(Pricing, 'undecorated')).toBeUndefined();
  });

  it('refuse a second interface on the same method, naming class, method and both interfaces', () => {
    expect(() => {
      class Pricing {
        @HandlesCall(quote)
        @HandlesCall(quoteFast)
        serve(): { totalCents: number } {
          return { totalCents: 0 };
        }
      }
      return Pricing;
    }).toThrow(/Pricing\.serve already serves pricing\.quoteFast.*pricing\.quote\)/);
  });

  it('refuse a contract of the other kind (for callers that lost the types)', () => {
    const notACall = bookViewed as unknown as CallContract;
    expect(() => {
      class Pricing {
        @HandlesCall(notACall)
        viewed(): { totalCents: number } {
          return { totalCents: 0 };
        }
      }
      return Pricing;
    }).toThrow(/@HandlesCall on Pricing\.viewed needs a call contract; pricing\.bookViewed is a message/);
  });

  it('are checked against the contract by the compiler', () => {
    // These declarations only compile because of the @ts-expect-error marks: tsc fails if a check goes away.
    class Wrong {
      // @ts-expect-error the reply lacks totalCents
      @HandlesCall(quote)
      quote(): Promise<{ total: number }> {
        return Promise.resolve({ total: 1 });
      }

      // @ts-expect-error the request is not the contract's
      @Subscribes(bookViewed)
      viewed(_message: { bookId: number }): void {}
    }
    expect(bindingOn(Wrong, 'quote')?.contract).toBe(quote);
  });
});
