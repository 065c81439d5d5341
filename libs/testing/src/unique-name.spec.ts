import { describe, expect, it } from 'vitest';

import { uniqueName } from './unique-name';

describe('uniqueName', () => {
  it('keeps only lower-case letters, digits and the separator from the label', () => {
    expect(uniqueName('trellis_test', 'Bus: At-Least Once!', '_')).toMatch(
      /^trellis_test_bus_at_least_once_[0-9a-f]{8}$/,
    );
    expect(uniqueName('trellis-test', '  orders.place  ', '-')).toMatch(
      /^trellis-test-orders-place-[0-9a-f]{8}$/,
    );
  });

  it('falls back to "test" when nothing of the label survives', () => {
    expect(uniqueName('trellis-test', '***', '-')).toMatch(/^trellis-test-test-[0-9a-f]{8}$/);
  });

  it('gives a different name on every call', () => {
    const names = new Set(Array.from({ length: 50 }, () => uniqueName('p', 'same', '-')));
    expect(names.size).toBe(50);
  });
});
