import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineCall, defineMessage, familyOf } from './contract';

const request = z.object({ sessionId: z.string() });
const reply = z.object({ items: z.number().int() });

function call(overrides: Record<string, unknown> = {}) {
  return defineCall({ name: 'cart.view', policy: 'at-least-once', request, reply, ...overrides });
}

describe('defineCall', () => {
  it('fills every omitted setting with the documented default', () => {
    const contract = call();
    expect(contract).toMatchObject({
      kind: 'call',
      name: 'cart.view',
      version: 1,
      policy: 'at-least-once',
      routing: { kind: 'any' },
      timeoutMs: 5_000,
      prefetch: 64,
      maxDeliveries: 5,
      retry: { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 2_000 },
    });
    expect(contract.request).toBe(request);
    expect(contract.reply).toBe(reply);
  });

  it('keeps declared settings and merges a partial retry over the default one', () => {
    const keyOf = (r: { sessionId: string }) => r.sessionId;
    const contract = call({
      version: 3,
      timeoutMs: 250,
      prefetch: 8,
      maxDeliveries: 2,
      routing: { kind: 'by-key', keyOf },
      retry: { maxDelayMs: 900 },
    });
    expect(contract).toMatchObject({ version: 3, timeoutMs: 250, prefetch: 8, maxDeliveries: 2 });
    expect(contract.routing).toEqual({ kind: 'by-key', keyOf });
    expect(contract.retry).toEqual({ maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 900 });
  });

  it('returns a frozen contract', () => {
    expect(Object.isFrozen(call())).toBe(true);
  });

  it.each(['cart', 'Cart.view', 'cart.View', 'cart.view.now', 'cart-x.view', 'cart.', '.view', '1cart.view'])(
    'refuses the name %j, naming the field',
    (name) => {
      expect(() => call({ name })).toThrow(`contract ${name}: name must be "family.verb"`);
    },
  );

  it('accepts camelCase words on both sides of the dot', () => {
    expect(call({ name: 'paymentProvider.chargeCard2' }).name).toBe('paymentProvider.chargeCard2');
  });

  it('refuses an unknown policy, listing the known ones', () => {
    expect(() => call({ policy: 'sometimes' })).toThrow(
      'policy must be one of at-most-once, at-least-once, exactly-once',
    );
  });

  it.each([
    ['timeoutMs', { timeoutMs: 0 }, 'timeoutMs must be a positive integer (got 0)'],
    ['timeoutMs', { timeoutMs: -5 }, 'timeoutMs must be a positive integer (got -5)'],
    ['prefetch', { prefetch: 1.5 }, 'prefetch must be a positive integer (got 1.5)'],
    ['maxDeliveries', { maxDeliveries: 0 }, 'maxDeliveries must be a positive integer (got 0)'],
    ['version', { version: 0 }, 'version must be a positive integer (got 0)'],
    ['version', { version: Number.NaN }, 'version must be a positive integer (got NaN)'],
    [
      'retry.maxAttempts',
      { retry: { maxAttempts: 0 } },
      'retry.maxAttempts must be a positive integer (got 0)',
    ],
    [
      'retry.initialDelayMs',
      { retry: { initialDelayMs: 0.5 } },
      'retry.initialDelayMs must be a positive integer (got 0.5)',
    ],
    [
      'retry.maxDelayMs',
      { retry: { maxDelayMs: -1 } },
      'retry.maxDelayMs must be a positive integer (got -1)',
    ],
  ])('refuses an invalid %s with a message naming it', (_field, overrides, message) => {
    expect(() => call(overrides)).toThrow(message);
  });

  it('reports every problem of a declaration at once', () => {
    expect(() => call({ name: 'bad', timeoutMs: 0, prefetch: 0 })).toThrow(
      /name must be .*; timeoutMs must be .*; prefetch must be/,
    );
  });

  it('forces at-most-once to a single attempt whatever was declared', () => {
    const contract = call({ policy: 'at-most-once', retry: { maxAttempts: 9, initialDelayMs: 7 } });
    expect(contract.retry).toEqual({ maxAttempts: 1, initialDelayMs: 7, maxDelayMs: 2_000 });
  });

  it('lets at-most-once declare an attempt count it would otherwise refuse, since it is overridden', () => {
    expect(call({ policy: 'at-most-once', retry: { maxAttempts: 0 } }).retry.maxAttempts).toBe(1);
  });

  it.each(['at-least-once', 'exactly-once'] as const)('keeps the declared attempts of %s', (policy) => {
    expect(call({ policy, retry: { maxAttempts: 9 } }).retry.maxAttempts).toBe(9);
  });
});

describe('defineMessage', () => {
  it('declares a one-way interface with the same defaults and checks', () => {
    const event = defineMessage({ name: 'cart.itemAdded', policy: 'at-most-once', request });
    expect(event).toMatchObject({
      kind: 'message',
      name: 'cart.itemAdded',
      version: 1,
      routing: { kind: 'any' },
      timeoutMs: 5_000,
      prefetch: 64,
      maxDeliveries: 5,
      retry: { maxAttempts: 1, initialDelayMs: 50, maxDelayMs: 2_000 },
    });
    expect(event).not.toHaveProperty('reply');
    expect(() => defineMessage({ name: 'cart', policy: 'at-least-once', request })).toThrow(
      'contract cart: name must be',
    );
  });
});

describe('familyOf', () => {
  it('is the part of the name before the dot', () => {
    expect(familyOf(call({ name: 'paymentProvider.charge' }))).toBe('paymentProvider');
    expect(familyOf(defineMessage({ name: 'orders.placed', policy: 'at-least-once', request }))).toBe(
      'orders',
    );
  });
});
