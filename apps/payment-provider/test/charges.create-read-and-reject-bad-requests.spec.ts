import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { getCharge, listCharges, postCharge } from './support/provider-client';
import { startProvider } from './support/start-provider';
import type { RunningProvider } from './support/start-provider';

const order = { amountCents: 2599, currency: 'EUR', reference: 'order-42' } as const;

describe('charges over HTTP', () => {
  let provider: RunningProvider;

  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(async () => {
    await provider.stop();
  });
  beforeEach(async () => {
    await fetch(`${provider.url}/v1/charges`, { method: 'DELETE' });
  });

  it('creates a charge with 201 and returns it by id and in the list', async () => {
    const created = await postCharge(provider.url, 'create-1', order);
    expect(created.status).toBe(201);
    expect(created.replayed).toBe(false);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^ch_[0-9a-f]{24}$/) as unknown,
      ...order,
      status: 'succeeded',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });
    const { id } = created.body as { id: string };
    expect(await getCharge(provider.url, id)).toMatchObject({ status: 200, body: created.body });
    expect(await listCharges(provider.url)).toEqual([created.body]);
  });

  it('answers 400 without an Idempotency-Key and charges nothing', async () => {
    const answer = await postCharge(provider.url, undefined, order);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'idempotency_key_missing',
        message: expect.any(String) as unknown,
      },
    });
    expect(await listCharges(provider.url)).toEqual([]);
  });

  it.each([
    ['a negative amount', { ...order, amountCents: -5 }],
    ['a fractional amount', { ...order, amountCents: 10.5 }],
    ['an unknown currency', { ...order, currency: 'XXX' }],
    ['no reference', { amountCents: 100, currency: 'EUR' }],
    ['an unknown field', { ...order, tip: 1 }],
  ])('answers 400 for a body with %s, names the field, and keeps the key unused', async (_label, body) => {
    const answer = await postCharge(provider.url, 'bad-body', body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_request' } });
    // Validation failures store nothing against the key, so the corrected request goes through.
    expect((await postCharge(provider.url, 'bad-body', order)).status).toBe(201);
  });

  it('answers 400 for malformed JSON and 404 for an unknown charge', async () => {
    const malformed = await fetch(`${provider.url}/v1/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'malformed' },
      body: '{"amountCents":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(await getCharge(provider.url, 'ch_missing')).toMatchObject({
      status: 404,
      body: { error: { code: 'charge_not_found' } },
    });
  });

  it('answers the health probes', async () => {
    expect((await fetch(`${provider.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${provider.url}/health/ready`)).status).toBe(200);
  });
});
