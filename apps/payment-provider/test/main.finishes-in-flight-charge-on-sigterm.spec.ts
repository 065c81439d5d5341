// The process as deployed: main.ts in a child process. The promise: SIGTERM lets a charge in flight
// finish and be answered, then the process exits 0; a bad setting stops it with a message naming the
// variable.
import { afterEach, describe, expect, it } from 'vitest';

import { waitFor } from '@trellis/testing';

import { getStats, listCharges, postCharge, setFaults } from './support/provider-client';
import { spawnProvider, startProviderProcess } from './support/provider-process';
import type { ProviderProcess } from './support/provider-process';

describe('main.ts as a process', () => {
  const started: ProviderProcess[] = [];

  afterEach(async () => {
    for (const child of started.splice(0)) {
      child.kill('SIGKILL');
      await child.exited;
    }
  });

  it('answers a charge in flight at SIGTERM, refuses new work, then exits 0', async () => {
    const { process: child, url } = await startProviderProcess();
    started.push(child);
    await setFaults(url, { latencyMs: 1_000 });

    const inFlight = postCharge(url, 'in-flight-at-sigterm', {
      amountCents: 999,
      currency: 'EUR',
      reference: 'o-1',
    });
    await waitFor(async () => (await getStats(url)).inFlight === 1, {
      timeoutMs: 5_000,
      intervalMs: 20,
      description: 'the charge to be in flight',
    });
    const before = await listCharges(url);
    child.kill('SIGTERM');

    // New work is refused while the charge is still in flight: 503 on a connection already open, or the
    // connection refused once the listening socket is closed.
    const refusal = await waitFor(
      async () => {
        const probe = await fetch(`${url}/health/ready`).then(
          (response) => response.status,
          () => 'connection refused',
        );
        return probe === 200 ? undefined : probe;
      },
      { timeoutMs: 5_000, intervalMs: 20, description: 'readiness to turn off after SIGTERM' },
    );
    const answer = await inFlight;
    const exit = await child.exited;
    process.stdout.write(
      `graceful shutdown: new work refused (${String(refusal)}), in-flight charge answered ${answer.status}, ` +
        `exit code ${String(exit.code)}\n`,
    );
    expect(before).toEqual([]);
    expect([503, 'connection refused']).toContain(refusal);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ amountCents: 999, status: 'succeeded' });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(child.output()).toContain('payment provider closed');
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });

  it('stops with exit code 1 and names the variable when a setting is invalid', async () => {
    const child = spawnProvider({ PAYMENT_PROVIDER_PORT: 'not-a-port' });
    started.push(child);
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    expect(child.output()).toMatch(/PAYMENT_PROVIDER_PORT: must be a whole number \(got "not-a-port"\)/);
  });
});
