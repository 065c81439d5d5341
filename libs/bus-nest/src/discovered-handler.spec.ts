import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCall, defineMessage } from '@trellis/contracts';
import type { DiscoveredHandler } from './discovered-handler';
import { assertEachInterfaceOnce } from './discovered-handler';
import type { HandlerBinding } from './handler-binding';

const quote = defineCall({
  name: 'pricing.quote',
  policy: 'at-least-once',
  request: z.object({ bookId: z.string() }),
  reply: z.object({ totalCents: z.number() }),
});

const bookViewed = defineMessage({
  name: 'pricing.bookViewed',
  policy: 'at-least-once',
  request: z.object({ bookId: z.string() }),
});

function found(className: string, methodName: string, binding: HandlerBinding): DiscoveredHandler {
  return { className, methodName, binding, handler: () => undefined };
}

describe('assertEachInterfaceOnce', () => {
  it('accepts one handler per interface, and one subscription per family of a message', () => {
    expect(() =>
      assertEachInterfaceOnce([
        found('Pricing', 'quote', { kind: 'call', contract: quote }),
        found('Pricing', 'viewed', { kind: 'message', contract: bookViewed, family: undefined }),
        found('Stats', 'viewed', { kind: 'message', contract: bookViewed, family: 'stats' }),
      ]),
    ).not.toThrow();
  });

  it('refuses a call served twice, naming both classes and methods', () => {
    expect(() =>
      assertEachInterfaceOnce([
        found('Pricing', 'quote', { kind: 'call', contract: quote }),
        found('Discounts', 'price', { kind: 'call', contract: quote }),
      ]),
    ).toThrow('pricing.quote is handled by Pricing.quote and Discounts.price');
  });

  it("treats the contract's own family and its explicit name as the same subscription", () => {
    expect(() =>
      assertEachInterfaceOnce([
        found('Pricing', 'viewed', { kind: 'message', contract: bookViewed, family: undefined }),
        found('Audit', 'viewed', { kind: 'message', contract: bookViewed, family: 'pricing' }),
      ]),
    ).toThrow('pricing.bookViewed (family pricing) is handled by Pricing.viewed and Audit.viewed');
  });
});
