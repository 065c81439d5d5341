import { describe, expect, it } from 'vitest';

import { loginBody, placeOrderHeaders, setCartItemBody, smsBody } from './schemas';

describe('input schemas', () => {
  it('accepts a user id of 1 to 64 characters', () => {
    expect(loginBody.safeParse({ userId: 'ada' }).success).toBe(true);
    expect(loginBody.safeParse({ userId: '' }).success).toBe(false);
    expect(loginBody.safeParse({ userId: 'x'.repeat(65) }).success).toBe(false);
    expect(loginBody.safeParse({ userId: 42 }).success).toBe(false);
    expect(loginBody.safeParse({}).success).toBe(false);
  });

  it('accepts whole quantities from 1 to 99', () => {
    for (const quantity of [1, 99]) expect(setCartItemBody.safeParse({ quantity }).success).toBe(true);
    for (const quantity of [0, 100, 1.5, '2', null]) {
      expect(setCartItemBody.safeParse({ quantity }).success).toBe(false);
    }
  });

  it('requires an Idempotency-Key of visible ASCII and keeps the other headers', () => {
    const parsed = placeOrderHeaders.safeParse({ 'idempotency-key': 'k-1', authorization: 'Bearer t' });
    expect(parsed.success && parsed.data['authorization']).toBe('Bearer t');
    expect(placeOrderHeaders.safeParse({}).success).toBe(false);
    expect(placeOrderHeaders.safeParse({ 'idempotency-key': 'has space' }).success).toBe(false);
    expect(placeOrderHeaders.safeParse({ 'idempotency-key': 'k'.repeat(201) }).success).toBe(false);
  });

  it('accepts an E.164 number and at most 160 characters of text', () => {
    expect(smsBody.safeParse({ to: '+4915112345678', text: 'x'.repeat(160) }).success).toBe(true);
    expect(smsBody.safeParse({ to: '015112345678', text: 'hi' }).success).toBe(false);
    expect(smsBody.safeParse({ to: '+4915112345678', text: 'x'.repeat(161) }).success).toBe(false);
    expect(smsBody.safeParse({ to: '+4915112345678', text: '' }).success).toBe(false);
  });
});
