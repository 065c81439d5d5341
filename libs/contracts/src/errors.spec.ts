import { describe, expect, it } from 'vitest';
import type { ErrorData } from './errors';
import { defineErrorType, toErrorData, TrellisError } from './errors';

describe('TrellisError', () => {
  it('round-trips through its wire form with every field, data included', () => {
    const wire: ErrorData = {
      code: 'cart.item_missing',
      message: 'no such item',
      status: 404,
      retryable: false,
      data: { itemId: 'i-7', tried: [1, 2] },
    };
    const rebuilt = TrellisError.fromData(JSON.parse(JSON.stringify(wire)) as ErrorData);
    expect(rebuilt).toBeInstanceOf(TrellisError);
    expect(rebuilt).toBeInstanceOf(Error);
    expect(rebuilt.name).toBe('TrellisError');
    expect(rebuilt).toMatchObject({ code: 'cart.item_missing', status: 404, retryable: false });
    expect(rebuilt.message).toBe('no such item');
    expect(rebuilt.toData()).toEqual(wire);
  });

  it('leaves data out of the wire form when there is none, and never carries the stack', () => {
    const data = new TrellisError({ code: 'a.b', message: 'm', status: 503, retryable: true }).toData();
    expect(data).toEqual({ code: 'a.b', message: 'm', status: 503, retryable: true });
    expect(Object.keys(data)).not.toContain('data');
    expect(Object.keys(data)).not.toContain('stack');
  });
});

describe('defineErrorType', () => {
  const busy = defineErrorType('payments.provider_busy', 503, true);

  it('creates errors of its code, status and retryability, with data and cause', () => {
    const cause = new Error('socket hang up');
    const error = busy.create('try later', { waitMs: 200 }, { cause });
    expect(error).toBeInstanceOf(TrellisError);
    expect(error.toData()).toEqual({
      code: 'payments.provider_busy',
      message: 'try later',
      status: 503,
      retryable: true,
      data: { waitMs: 200 },
    });
    expect(error.cause).toBe(cause);
    expect(busy.create('no data').toData()).not.toHaveProperty('data');
  });

  it('recognises its own errors only, including ones rebuilt from data', () => {
    const other = defineErrorType('payments.declined', 402, false);
    expect(busy.is(busy.create('x'))).toBe(true);
    expect(busy.is(TrellisError.fromData(busy.create('x').toData()))).toBe(true);
    expect(busy.is(other.create('x'))).toBe(false);
    expect(busy.is(new Error('payments.provider_busy'))).toBe(false);
    expect(busy.is({ code: 'payments.provider_busy' })).toBe(false);
    expect(busy.is(undefined)).toBe(false);
  });

  it.each(['Payments.busy', 'payments', 'payments.Busy', 'payments.busy-now', '1a.b', 'a.b.c', 'a_b.c', ''])(
    'refuses the code %j',
    (code) => {
      expect(() => defineErrorType(code, 500, false)).toThrow(`error code "${code}" must look like`);
    },
  );

  it('accepts a kebab-case area and a snake_case name', () => {
    expect(defineErrorType('payment-provider.rate_limited2', 429, true).code).toBe(
      'payment-provider.rate_limited2',
    );
  });
});

describe('toErrorData', () => {
  it('keeps a TrellisError as it is', () => {
    const error = defineErrorType('cart.full', 409, false).create('cart is full', { max: 50 });
    expect(toErrorData(error)).toEqual(error.toData());
  });

  it('reads a plain Error as a non-retryable internal.unexpected with its message', () => {
    expect(toErrorData(new TypeError('x is undefined'))).toEqual({
      code: 'internal.unexpected',
      message: 'x is undefined',
      status: 500,
      retryable: false,
    });
  });

  it('reads a thrown non-error value as its string', () => {
    expect(toErrorData('boom')).toMatchObject({ code: 'internal.unexpected', message: 'boom' });
    expect(toErrorData(42).message).toBe('42');
  });
});
