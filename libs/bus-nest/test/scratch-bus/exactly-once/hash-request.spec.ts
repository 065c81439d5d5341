import { describe, expect, it } from 'vitest';

import { hashRequest } from './hash-request';

describe('hashRequest', () => {
  it('ignores the order of object keys at every level', () => {
    const a = { orderId: 'o-1', lines: [{ sku: 'x', qty: 2 }], meta: { b: 1, a: 2 } };
    const b = { meta: { a: 2, b: 1 }, lines: [{ qty: 2, sku: 'x' }], orderId: 'o-1' };
    expect(hashRequest(a)).toBe(hashRequest(b));
  });

  it('tells different values apart, including array order and types', () => {
    const hashes = [
      hashRequest({ qty: 1 }),
      hashRequest({ qty: 2 }),
      hashRequest({ qty: '1' }),
      hashRequest([1, 2]),
      hashRequest([2, 1]),
      hashRequest({ qty: 1, extra: null }),
      hashRequest(null),
    ];
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('is the sha256 hex of the canonical JSON', () => {
    // sha256('{"a":1,"b":2}')
    expect(hashRequest({ b: 2, a: 1 })).toBe(
      '43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777',
    );
  });

  it('refuses a cyclic value instead of hashing a placeholder', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(() => hashRequest(cyclic)).toThrow();
  });
});
