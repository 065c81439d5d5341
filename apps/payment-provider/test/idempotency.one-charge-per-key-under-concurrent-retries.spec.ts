// Twenty clients send the same charge with the same key at once. The first claims the key; while it is
// in flight the others get 409 (as real payment APIs answer concurrent use of a key) and retry; once it
// is done every retry gets the stored charge. The promise: one charge, twenty identical answers.
import { waitFor } from '@trellis/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { listCharges, postCharge, setFaults } from './support/provider-client';
import type { ProviderAnswer } from './support/provider-client';
import { startProvider } from './support/start-provider';
import type { RunningProvider } from './support/start-provider';

const order = { amountCents: 4200, currency: 'EUR', reference: 'order-7' } as const;
const CLIENTS = 20;

describe('idempotency keys over HTTP', () => {
  let provider: RunningProvider;

  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(async () => {
    await provider.stop();
  });
  beforeEach(async () => {
    await fetch(`${provider.url}/v1/charges`, { method: 'DELETE' });
    await fetch(`${provider.url}/v1/_faults`, { method: 'DELETE' });
  });

  it('charges once for 20 concurrent requests with one key and gives all 20 the same charge', async () => {
    // Slow enough that the other 19 arrive while the first is still in flight.
    await setFaults(provider.url, { latencyMs: 200 });
    let conflicts = 0;
    const send = (): Promise<ProviderAnswer> =>
      // The client's retry strategy for 409: try again shortly until the first request is done.
      waitFor(
        async () => {
          const answer = await postCharge(provider.url, 'same-key', order);
          if (answer.status !== 409) return answer;
          conflicts += 1;
          expect(answer.body).toMatchObject({
            error: { type: 'idempotency_error', code: 'idempotency_key_in_use' },
          });
          return undefined;
        },
        { timeoutMs: 10_000, intervalMs: 50, description: 'an answer other than 409' },
      );

    const answers = await Promise.all(Array.from({ length: CLIENTS }, send));
    const charges = await listCharges(provider.url);
    const replays = answers.filter((answer) => answer.replayed).length;
    process.stdout.write(
      `idempotency: ${CLIENTS} clients, ${conflicts} answers 409 in flight, ${replays} replays, ${charges.length} charge(s)\n`,
    );

    expect(charges).toHaveLength(1);
    expect(answers.map((answer) => answer.status)).toEqual(Array<number>(CLIENTS).fill(201));
    for (const answer of answers) expect(answer.body).toEqual(charges[0]);
    expect(replays).toBe(CLIENTS - 1);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('answers 422 for the same key with a different body and charges nothing more', async () => {
    const first = await postCharge(provider.url, 'reused-key', order);
    const changed = await postCharge(provider.url, 'reused-key', { ...order, amountCents: 4201 });
    expect(first.status).toBe(201);
    expect(changed.status).toBe(422);
    expect(changed.body).toEqual({
      error: {
        type: 'idempotency_error',
        code: 'idempotency_key_reused',
        message: expect.stringContaining('different parameters') as unknown,
      },
    });
    expect(await listCharges(provider.url)).toEqual([first.body]);
  });

  it('replays the same charge for the same body sent with its fields in another order', async () => {
    const first = await postCharge(provider.url, 'order-key', order);
    const again = await postCharge(provider.url, 'order-key', {
      reference: order.reference,
      currency: order.currency,
      amountCents: order.amountCents,
    });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await listCharges(provider.url)).toHaveLength(1);
  });
});
