// Load regulation: 60 slow charges at once against a limit of 50. The promise: never more than 50 in
// flight, the rest refused at once with 429 and Retry-After, and every admitted request charged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getStats, listCharges, postCharge, setFaults } from './support/provider-client';
import { startProvider } from './support/start-provider';
import type { RunningProvider } from './support/start-provider';

const REQUESTS = 60;
const LIMIT = 50;

describe('load regulation over HTTP', () => {
  let provider: RunningProvider;

  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(async () => {
    await provider.stop();
  });

  it('keeps at most 50 requests in flight and refuses the rest with 429 and Retry-After', async () => {
    await setFaults(provider.url, { latencyMs: 200 });
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, (_, index) =>
        postCharge(provider.url, `load-${index}`, {
          amountCents: 100 + index,
          currency: 'EUR',
          reference: `o-${index}`,
        }),
      ),
    );
    const created = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status === 429);
    const stats = await getStats(provider.url);
    const charges = await listCharges(provider.url);
    process.stdout.write(
      `load regulation: ${REQUESTS} requests, ${created.length} charged, ${refused.length} refused (429), ` +
        `peak in flight ${stats.peakInFlight}/${stats.maxInFlight}\n`,
    );

    expect(created.length + refused.length).toBe(REQUESTS);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.retryAfter).toMatch(/^\d+$/);
      expect(answer.body).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limited' } });
    }
    expect(stats.maxInFlight).toBe(LIMIT);
    expect(stats.peakInFlight).toBeLessThanOrEqual(LIMIT);
    expect(stats.rejected).toBe(refused.length);
    expect(stats.inFlight).toBe(0);
    expect(charges).toHaveLength(created.length);
  });
});
