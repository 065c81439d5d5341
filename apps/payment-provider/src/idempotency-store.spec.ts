import { describe, expect, it } from 'vitest';

import { IdempotencyStore } from './idempotency-store';

describe('IdempotencyStore', () => {
  it('claims a new key once and refuses a second claim with the same parameters while the first is in flight', () => {
    const store = new IdempotencyStore<string>();
    expect(store.claim('key-1', 'fp-a')).toEqual({ kind: 'claimed' });
    expect(store.claim('key-1', 'fp-a')).toEqual({ kind: 'in-flight' });
  });

  it('replays the stored response for the same key and parameters once completed, every time', () => {
    const store = new IdempotencyStore<string>();
    store.claim('key-1', 'fp-a');
    store.complete('key-1', 'charge ch_1');
    expect(store.claim('key-1', 'fp-a')).toEqual({ kind: 'replay', response: 'charge ch_1' });
    expect(store.claim('key-1', 'fp-a')).toEqual({ kind: 'replay', response: 'charge ch_1' });
  });

  it('reports a mismatch for the same key with other parameters, in flight or completed', () => {
    const store = new IdempotencyStore<string>();
    store.claim('key-1', 'fp-a');
    expect(store.claim('key-1', 'fp-b')).toEqual({ kind: 'mismatch' });
    store.complete('key-1', 'charge ch_1');
    expect(store.claim('key-1', 'fp-b')).toEqual({ kind: 'mismatch' });
  });

  it('keeps keys apart: another key is claimed independently', () => {
    const store = new IdempotencyStore<string>();
    store.claim('key-1', 'fp-a');
    expect(store.claim('key-2', 'fp-a')).toEqual({ kind: 'claimed' });
    expect(store.size).toBe(2);
  });

  it('lets a released in-flight key be claimed afresh, even with other parameters', () => {
    const store = new IdempotencyStore<string>();
    store.claim('key-1', 'fp-a');
    store.release('key-1');
    expect(store.claim('key-1', 'fp-b')).toEqual({ kind: 'claimed' });
  });

  it('never releases a completed key, so its stored response survives a stray release', () => {
    const store = new IdempotencyStore<string>();
    store.claim('key-1', 'fp-a');
    store.complete('key-1', 'charge ch_1');
    store.release('key-1');
    expect(store.claim('key-1', 'fp-a')).toEqual({ kind: 'replay', response: 'charge ch_1' });
  });

  it('forgets every key on clear, and a completion arriving after the clear stores nothing', () => {
    const store = new IdempotencyStore<string>();
    store.claim('key-1', 'fp-a');
    store.clear();
    store.complete('key-1', 'charge ch_1');
    expect(store.size).toBe(0);
    expect(store.claim('key-1', 'fp-a')).toEqual({ kind: 'claimed' });
  });
});
