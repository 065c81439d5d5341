import { describe, expect, it } from 'vitest';
import { busCounters, BusMetrics } from './metrics';

describe('BusMetrics', () => {
  it('counts per interface, keeping the policy seen first', () => {
    const metrics = new BusMetrics();
    metrics.increment('cart.view', 'at-least-once', 'sent');
    metrics.increment('cart.view', 'at-least-once', 'sent', 2);
    metrics.increment('orders.placed', 'exactly-once', 'handled');
    expect(metrics.count('cart.view', 'sent')).toBe(3);
    expect(metrics.count('orders.placed', 'handled')).toBe(1);
    expect(metrics.count('orders.placed', 'sent')).toBe(0);
    const snapshot = metrics.snapshot();
    expect(snapshot.map((entry) => [entry.interface, entry.policy])).toEqual([
      ['cart.view', 'at-least-once'],
      ['orders.placed', 'exactly-once'],
    ]);
    // Every counter is present from the first increment, so an exporter never sees a missing series.
    expect(Object.keys(snapshot[0]?.counts ?? {}).sort()).toEqual([...busCounters].sort());
  });

  it('answers 0 for an interface never counted', () => {
    expect(new BusMetrics().count('nobody.listens', 'timedOut')).toBe(0);
  });

  it('hands out a snapshot that later counting and caller edits do not touch', () => {
    const metrics = new BusMetrics();
    metrics.increment('cart.view', 'at-most-once', 'sent');
    const snapshot = metrics.snapshot();
    metrics.increment('cart.view', 'at-most-once', 'sent');
    const first = snapshot[0];
    expect(first?.counts.sent).toBe(1);
    if (first !== undefined) first.counts.sent = 99;
    expect(metrics.count('cart.view', 'sent')).toBe(2);
  });
});
