import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineCall, defineMessage } from '@trellis/contracts';
import { topologyFor } from './topology';

const view = defineCall({
  name: 'cart.view',
  policy: 'at-least-once',
  request: z.object({ sessionId: z.string() }),
  reply: z.object({}),
  routing: { kind: 'by-key', keyOf: (r) => r.sessionId },
});
const placed = defineMessage({ name: 'orders.placed', policy: 'at-least-once', request: z.object({}) });

describe('topologyFor', () => {
  it('derives both exchanges from the prefix', () => {
    const names = topologyFor('shop');
    expect(names.exchange).toBe('shop.bus');
    expect(names.deadLetterExchange).toBe('shop.dead-letter');
  });

  it('gives a call one shared queue named after the interface', () => {
    expect(topologyFor('shop').queueOf(view)).toBe('shop.cart.view');
  });

  it("gives a message one queue per subscribing family, the contract's own family by default", () => {
    const names = topologyFor('shop');
    expect(names.queueOf(placed)).toBe('shop.orders.placed.orders');
    expect(names.queueOf(placed, 'notifications')).toBe('shop.orders.placed.notifications');
    expect(names.queueOf(placed, 'payments')).not.toBe(names.queueOf(placed, 'notifications'));
  });

  it('gives each node its own queue and routing key for keyed work', () => {
    const names = topologyFor('shop');
    expect(names.nodeQueueOf(view, 'cart-2')).toBe('shop.cart.view@cart-2');
    expect(names.routingKeyOf(view, 'cart-2')).toBe('cart.view@cart-2');
  });

  it('routes to the shared queue by the interface name when no node is named', () => {
    expect(topologyFor('shop').routingKeyOf(view)).toBe('cart.view');
    expect(topologyFor('shop').routingKeyOf({ name: 'orders.placed' })).toBe('orders.placed');
  });

  it('puts a dead-letter queue beside every queue', () => {
    const names = topologyFor('shop');
    expect(names.deadLetterQueueOf(names.queueOf(view))).toBe('shop.cart.view.dead-letter');
    expect(names.deadLetterQueueOf(names.nodeQueueOf(view, 'cart-1'))).toBe(
      'shop.cart.view@cart-1.dead-letter',
    );
  });

  it('keeps two prefixes apart, so two buses can share a broker', () => {
    const a = topologyFor('trellis');
    const b = topologyFor('trellis-fork');
    expect(a.exchange).not.toBe(b.exchange);
    expect(a.queueOf(view)).not.toBe(b.queueOf(view));
  });

  it.each(['', 'Trellis', '1trellis', 'trellis.bus', 'trellis_bus', 'trellis bus', '-trellis'])(
    'refuses the prefix %j',
    (prefix) => {
      expect(() => topologyFor(prefix)).toThrow(`bus prefix "${prefix}" must be lower-case kebab-case`);
    },
  );
});
