// The provider commits a charge and its reply is lost on the way back (the connection is cut after commit):
// the payments node's retry with the same Idempotency-Key gets the stored charge, so the order is charged
// exactly once and the caller still gets a reply.
import { randomUUID } from 'node:crypto';

import { chargeOrder } from '@trellis/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { freePort } from '@trellis/testing';
import {
  providerChargesOf,
  providerFaults,
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
  node = await startPaymentsNode('lost-reply', provider.url);
});

afterAll(async () => {
  await node?.stop();
  await provider?.kill();
});

it('succeeds with the one charge the provider made when the provider reply was lost after commit', async () => {
  await setProviderFaults(provider.url, { dropReplyAfterCommit: 1 });
  const orderId = randomUUID();
  const idempotencyKey = randomUUID();

  const reply = await node.caller.call(
    chargeOrder,
    { orderId, amountCents: 1999, currency: 'EUR' },
    { idempotencyKey },
  );

  // The fault was used up: the first request's reply really was dropped, and the call still succeeded.
  expect((await providerFaults(provider.url)).dropReplyAfterCommit).toBe(0);
  const atProvider = await providerChargesOf(provider.url, orderId);
  const rows = await chargeRowsOf(node.database, orderId);
  process.stdout.write(
    `${JSON.stringify({
      test: 'lost-provider-reply',
      providerCharges: atProvider.length,
      recordedCharges: rows.length,
      status: reply.status,
    })}\n`,
  );
  expect(reply.status).toBe('succeeded');
  expect(atProvider.map((charge) => charge.id)).toEqual([reply.chargeId]);
  expect(rows.map((row) => row.provider_charge_id)).toEqual([reply.chargeId]);
});
