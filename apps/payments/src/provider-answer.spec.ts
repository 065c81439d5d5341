import { describe, expect, it } from 'vitest';

import { MAX_RETRY_AFTER_MS, parseRetryAfter, readProviderAnswer } from './provider-answer';

const now = Date.parse('2025-01-01T00:00:00Z');

describe('readProviderAnswer', () => {
  it('reads 201 and a replayed 201 as charged with the provider charge id', () => {
    const body = { id: 'ch_1', status: 'succeeded', amountCents: 1, currency: 'EUR', reference: 'r' };
    expect(readProviderAnswer(201, null, body, now)).toEqual({ kind: 'charged', chargeId: 'ch_1' });
  });

  it('reads a 201 without a charge id as a rejected request, not a charge', () => {
    expect(readProviderAnswer(201, null, { status: 'succeeded' }, now).kind).toBe('rejected');
  });

  it('reads 402 as declined, keeping the declined charge id when the provider gives one', () => {
    const body = { error: { type: 'card_error', code: 'card_declined', charge: 'ch_9' } };
    expect(readProviderAnswer(402, null, body, now)).toMatchObject({ kind: 'declined', chargeId: 'ch_9' });
    expect(readProviderAnswer(402, null, undefined, now)).toMatchObject({
      kind: 'declined',
      chargeId: undefined,
    });
  });

  it('reads 429 and 409 as busy, with the Retry-After hint when there is one', () => {
    expect(readProviderAnswer(429, '1', {}, now)).toMatchObject({ kind: 'busy', retryAfterMs: 1000 });
    const inUse = { error: { type: 'idempotency_error', code: 'idempotency_key_in_use' } };
    expect(readProviderAnswer(409, null, inUse, now)).toMatchObject({
      kind: 'busy',
      retryAfterMs: undefined,
      reason: 'provider answered 409: idempotency_key_in_use',
    });
  });

  it('reads every 5xx as failed', () => {
    for (const status of [500, 502, 503, 504]) {
      expect(readProviderAnswer(status, null, undefined, now).kind).toBe('failed');
    }
  });

  it('reads other 4xx (our request is wrong) as rejected', () => {
    for (const status of [400, 404, 422]) {
      expect(readProviderAnswer(status, null, {}, now).kind).toBe('rejected');
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, capped, and ignores what it cannot read', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(new Date(now + 3000).toUTCString(), now)).toBe(3000);
    expect(parseRetryAfter(new Date(now - 3000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('86400', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
