import { orderId } from '@trellis/contracts';
import { describe, expect, it } from 'vitest';
import { chargeKeyFor, nameBasedUuid, orderIdFor } from './order-keys';

describe('nameBasedUuid', () => {
  it('matches the RFC 9562 version 5 reference value (python.org in the DNS namespace)', () => {
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => nameBasedUuid('not-a-uuid', 'x')).toThrow(/not a UUID/);
  });
});

describe('orderIdFor', () => {
  it('names the same order for every attempt of one idempotency key, and another for another key', () => {
    expect(orderIdFor('key-1')).toBe(orderIdFor('key-1'));
    expect(orderIdFor('key-1')).not.toBe(orderIdFor('key-2'));
  });

  it('gives ids the order contract accepts', () => {
    expect(orderId.safeParse(orderIdFor('any key at all')).success).toBe(true);
  });
});

describe('chargeKeyFor', () => {
  it('gives one charge key per order, different from the order key it came from', () => {
    const id = orderIdFor('key-1');
    expect(chargeKeyFor(id)).toBe(chargeKeyFor(orderIdFor('key-1')));
    expect(chargeKeyFor(id)).not.toBe(chargeKeyFor(orderIdFor('key-2')));
    expect(chargeKeyFor(id)).not.toBe('key-1');
  });
});
