import { describe, expect, it } from 'vitest';

import { ChargeLedger } from './charge-ledger';
import { ChargeService } from './charge-service';
import type { StoredChargeResponse } from './charge-service';
import { ProviderError } from './errors';
import { Faults } from './faults';
import { IdempotencyStore } from './idempotency-store';
import type { ChargeRequest } from './schemas';

const order: ChargeRequest = { amountCents: 1999, currency: 'EUR', reference: 'order-1' };

function setUp() {
  const ledger = new ChargeLedger();
  const faults = new Faults();
  const service = new ChargeService({
    ledger,
    keys: new IdempotencyStore<StoredChargeResponse>(),
    faults,
    now: () => new Date('2026-01-02T03:04:05.000Z'),
  });
  return { ledger, faults, service };
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error.code;
}

describe('ChargeService', () => {
  it('charges once per key and replays the same charge for the same parameters in any field order', async () => {
    const { ledger, service } = setUp();
    const first = await service.create('key-1', order);
    const again = await service.create('key-1', { reference: 'order-1', currency: 'EUR', amountCents: 1999 });
    expect(first).toMatchObject({ statusCode: 201, replayed: false, dropReply: false });
    expect(first.body).toMatchObject({
      ...order,
      status: 'succeeded',
      createdAt: '2026-01-02T03:04:05.000Z',
    });
    expect(again).toEqual({ ...first, replayed: true });
    expect(ledger.size).toBe(1);
  });

  it('refuses the same key with other parameters as idempotency_key_reused and charges nothing more', async () => {
    const { ledger, service } = setUp();
    await service.create('key-1', order);
    expect(await errorCode(service.create('key-1', { ...order, amountCents: 2000 }))).toBe(
      'idempotency_key_reused',
    );
    expect(ledger.size).toBe(1);
  });

  it('refuses the same key while the first request is still in flight as idempotency_key_in_use', async () => {
    const { ledger, faults, service } = setUp();
    faults.set({ latencyMs: 50 });
    const first = service.create('key-1', order);
    expect(await errorCode(service.create('key-1', order))).toBe('idempotency_key_in_use');
    await first;
    expect(ledger.size).toBe(1);
  });

  it('charges nothing on an injected failure and lets a retry with the same key charge afresh', async () => {
    const { ledger, faults, service } = setUp();
    faults.set({ failRate: 1 });
    expect(await errorCode(service.create('key-1', order))).toBe('provider_unavailable');
    expect(ledger.size).toBe(0);
    faults.reset();
    expect((await service.create('key-1', order)).replayed).toBe(false);
    expect(ledger.size).toBe(1);
  });

  it('records the charge before asking for its reply to be dropped, and never drops a replay', async () => {
    const { ledger, faults, service } = setUp();
    faults.set({ dropReplyAfterCommit: 1 });
    const dropped = await service.create('key-1', order);
    expect(dropped.dropReply).toBe(true);
    expect(ledger.list()).toEqual([dropped.body]);
    faults.set({ dropReplyAfterCommit: 1 });
    expect(await service.create('key-1', order)).toMatchObject({ replayed: true, dropReply: false });
  });

  it('throws charge_not_found for an unknown id', () => {
    const { service } = setUp();
    expect(() => service.get('ch_missing')).toThrow(ProviderError);
  });
});
