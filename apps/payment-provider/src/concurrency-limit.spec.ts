import { describe, expect, it } from 'vitest';

import { ConcurrencyLimit } from './concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('admits up to the limit, refuses beyond it, and admits again once a slot is released', () => {
    const limit = new ConcurrencyLimit(2);
    expect([limit.tryAcquire(), limit.tryAcquire(), limit.tryAcquire()]).toEqual([true, true, false]);
    expect(limit.inFlight).toBe(2);
    limit.release();
    expect(limit.tryAcquire()).toBe(true);
    expect(limit).toMatchObject({ inFlight: 2, peak: 2, rejected: 1 });
  });

  it('throws on a release without an acquire instead of letting the count go negative', () => {
    expect(() => new ConcurrencyLimit(1).release()).toThrow(/without a matching/);
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
    expect(() => new ConcurrencyLimit(1.5)).toThrow(RangeError);
  });
});
