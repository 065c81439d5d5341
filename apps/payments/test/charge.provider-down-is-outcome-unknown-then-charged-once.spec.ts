// The provider is down (nothing listens on its port): a charge ends as "outcome unknown", never as failed,
// and nothing is recorded; once the provider is back, the same idempotency key charges exactly once.
import { randomUUID } from 'node:crypto';

import { BusErrors } from '@trellis/bus';
import { chargeOrder } from '@trellis/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { freePort } from '@trellis/testing';
import { providerChargesOf, startPaymentProvider } from './support/payment-provider-process';
import type { PaymentProviderProcess } from './support/payment-provider-process';
import { chargeRowsOf, startPaymentsNode } from './support/payments-node';
import type { PaymentsTestNode } from './support/payments-node';

let providerPort: number;
let provider: PaymentProviderProcess | undefined;
let node: PaymentsTestNode;

beforeAll(async () => {
  providerPort = await freePort();
  node = await startPaymentsNode('provider-down', `http://127.0.0.1:${providerPort}`, {
    // The circuit opens within the caller's attempts and tries again soon, so the test sees both: charges
    // refused fast while the provider is down, and a charge let through once it is back.
    PAYMENTS_BREAKER_FAILURES: '2',
    PAYMENTS_BREAKER_HALF_OPEN_MS: '200',
  });
});

afterAll(async () => {
  await node?.stop();
  await provider?.kill();
});

const orderId = randomUUID();
const idempotencyKey = randomUUID();
const request = { orderId, amountCents: 3100, currency: 'EUR' } as const;

it('answers bus.outcome_unknown while the provider is down, and the stored outcome reads unknown', async () => {
  const failure = await node.caller.call(chargeOrder, request, { idempotencyKey }).then(
    (reply) => ({ reply }),
    (error: unknown) => error,
  );

  expect(BusErrors.outcomeUnknown.is(failure)).toBe(true);
  await expect(node.caller.outcome(chargeOrder, idempotencyKey)).resolves.toEqual({ status: 'unknown' });
  expect(await chargeRowsOf(node.database, orderId)).toEqual([]);
});

it('charges exactly once with the same key after the provider came back', async () => {
  provider = await startPaymentProvider(providerPort);

  const reply = await node.caller.call(chargeOrder, request, { idempotencyKey });

  const atProvider = await providerChargesOf(provider.url, orderId);
  const rows = await chargeRowsOf(node.database, orderId);
  process.stdout.write(
    `${JSON.stringify({
      test: 'provider-down-then-back',
      providerCharges: atProvider.length,
      recordedCharges: rows.length,
      status: reply.status,
    })}\n`,
  );
  expect(reply.status).toBe('succeeded');
  expect(atProvider.map((charge) => charge.id)).toEqual([reply.chargeId]);
  expect(rows).toHaveLength(1);
  await expect(node.caller.outcome(chargeOrder, idempotencyKey)).resolves.toEqual({
    status: 'replied',
    reply,
  });
});
