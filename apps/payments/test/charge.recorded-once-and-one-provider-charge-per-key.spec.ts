// payments.charge against the real broker, Postgres and provider simulator: a charge is made at the provider
// and recorded once, and any number of calls with one idempotency key, concurrent ones included, make one
// provider charge and get one reply.
import { randomUUID } from 'node:crypto';

import { chargeOrder } from '@trellis/contracts';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';

import { freePort } from '@trellis/testing';
import {
  providerChargesOf,
  setProviderFaults,
  startPaymentProvider,
} from './support/payment-provider-process';
import type { PaymentProviderProcess } from './support/payment-provider-process';
import { chargeRowsOf, startPaymentsNode } from './support/payments-node';
import type { PaymentsTestNode } from './support/payments-node';

let provider: PaymentProviderProcess;
let node: PaymentsTestNode;

beforeAll(async () => {
  provider = await startPaymentProvider(await freePort());
  node = await startPaymentsNode('charge-once', provider.url);
});

afterAll(async () => {
  await node?.stop();
  await provider?.kill();
});

beforeEach(async () => {
  await setProviderFaults(provider.url, {});
});

it('charges the provider with the call key and records the charge once, also when the call is repeated', async () => {
  const orderId = randomUUID();
  const idempotencyKey = randomUUID();
  const request = { orderId, amountCents: 2599, currency: 'EUR' } as const;

  const reply = await node.caller.call(chargeOrder, request, { idempotencyKey });
  const again = await node.caller.call(chargeOrder, request, { idempotencyKey });

  expect(reply.status).toBe('succeeded');
  expect(again).toEqual(reply);
  const atProvider = await providerChargesOf(provider.url, orderId);
  expect(atProvider).toEqual([
    expect.objectContaining({ id: reply.chargeId, amountCents: 2599, currency: 'EUR', status: 'succeeded' }),
  ]);
  expect(await chargeRowsOf(node.database, orderId)).toEqual([
    {
      idempotency_key: idempotencyKey,
      order_id: orderId,
      provider_charge_id: reply.chargeId,
      amount_cents: 2599,
      currency: 'EUR',
      status: 'succeeded',
    },
  ]);
});

it('makes one provider charge and gives 20 identical replies to 20 concurrent calls with one key', async () => {
  // Each new charge stays in flight at the provider for a while, so the 20 calls really overlap.
  await setProviderFaults(provider.url, { latencyMs: 300 });
  const orderId = randomUUID();
  const idempotencyKey = randomUUID();
  const request = { orderId, amountCents: 4200, currency: 'EUR' } as const;

  const replies = await Promise.all(
    Array.from({ length: 20 }, () => node.caller.call(chargeOrder, request, { idempotencyKey })),
  );

  const atProvider = await providerChargesOf(provider.url, orderId);
  const rows = await chargeRowsOf(node.database, orderId);
  const distinctReplies = new Set(replies.map((reply) => JSON.stringify(reply)));
  process.stdout.write(
    `${JSON.stringify({
      test: 'one-key-concurrent',
      calls: replies.length,
      distinctReplies: distinctReplies.size,
      providerCharges: atProvider.length,
      recordedCharges: rows.length,
    })}\n`,
  );
  expect(replies).toHaveLength(20);
  expect(distinctReplies.size).toBe(1);
  expect(replies[0]?.status).toBe('succeeded');
  expect(atProvider.map((charge) => charge.id)).toEqual([replies[0]?.chargeId]);
  expect(rows).toHaveLength(1);
});
