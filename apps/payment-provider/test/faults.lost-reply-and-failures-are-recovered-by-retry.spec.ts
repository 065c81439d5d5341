// The faults a payment client must survive. A reply lost after the charge was made: the client sees a
// socket error, the charge exists, and a retry with the same key gets that charge rather than a second
// one. A 503 before charging: nothing exists, and a retry with the same key charges once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { listCharges, postCharge, setFaults } from './support/provider-client';
import { startProvider } from './support/start-provider';
import type { RunningProvider } from './support/start-provider';

const order = { amountCents: 1500, currency: 'GBP', reference: 'order-9' } as const;

describe('fault injection over HTTP', () => {
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

  it('commits the charge but drops the reply, and a retry with the same key gets that charge replayed', async () => {
    await setFaults(provider.url, { dropReplyAfterCommit: 1 });

    const lost = await postCharge(provider.url, 'lost-reply', order).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(lost).toBeInstanceOf(TypeError);
    expect((lost as TypeError).cause).toMatchObject({ code: 'UND_ERR_SOCKET' });

    const [recorded, ...others] = await listCharges(provider.url);
    expect(recorded).toMatchObject(order);
    expect(others).toEqual([]);

    const retry = await postCharge(provider.url, 'lost-reply', order);
    expect(retry).toMatchObject({ status: 201, replayed: true, body: recorded });
    expect(await listCharges(provider.url)).toHaveLength(1);
  });

  it('fails the same requests for the same seed, charges nothing on 503, and lets retries charge once each', async () => {
    const pattern = async (): Promise<number[]> => {
      await fetch(`${provider.url}/v1/charges`, { method: 'DELETE' });
      await setFaults(provider.url, { failRate: 0.5, seed: 2024 });
      const statuses: number[] = [];
      // One at a time, so the dice are rolled in request order.
      for (let index = 0; index < 20; index += 1) {
        const answer = await postCharge(provider.url, `seeded-${index}`, {
          ...order,
          reference: `o-${index}`,
        });
        statuses.push(answer.status);
      }
      return statuses;
    };

    const first = await pattern();
    const second = await pattern();
    const failed = first.filter((status) => status === 503).length;
    process.stdout.write(
      `faults: seed 2024 at rate 0.5 failed ${failed} of ${first.length} charges, twice alike\n`,
    );
    expect(second).toEqual(first);
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(first.length);
    expect(await listCharges(provider.url)).toHaveLength(first.length - failed);

    await fetch(`${provider.url}/v1/_faults`, { method: 'DELETE' });
    for (const [index, status] of first.entries()) {
      const retry = await postCharge(provider.url, `seeded-${index}`, { ...order, reference: `o-${index}` });
      expect(retry).toMatchObject({ status: 201, replayed: status === 201 });
    }
    expect(await listCharges(provider.url)).toHaveLength(first.length);
  });
});
