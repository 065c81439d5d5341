import fc from 'fast-check';
import type { IRetryBackoffContext } from 'cockatiel';
import { handleAll, retry } from 'cockatiel';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { DeliveryPolicy, RetryLimits } from '@trellis/contracts';
import { defineCall } from '@trellis/contracts';
import { retryScheduleOf } from './retry-schedule';

/** Retry limits a contract may declare (defineCall refuses anything below 1). */
const limits = (max: { attempts: number; delayMs: number }) =>
  fc.record({
    maxAttempts: fc.integer({ min: 1, max: max.attempts }),
    initialDelayMs: fc.integer({ min: 1, max: max.delayMs }),
    maxDelayMs: fc.integer({ min: 1, max: max.delayMs }),
  });

/** The first `count` delays of a schedule, read the way cockatiel's retry policy reads them. */
function delaysOf(retryLimits: RetryLimits, count: number): number[] {
  const context: IRetryBackoffContext<unknown> = {
    attempt: 1,
    signal: new AbortController().signal,
    result: { error: new Error('attempt failed') },
  };
  const delays: number[] = [];
  let backoff = retryScheduleOf(retryLimits).backoff.next(context);
  for (let step = 0; step < count; step += 1) {
    delays.push(backoff.duration);
    context.attempt += 1;
    backoff = backoff.next(context);
  }
  return delays;
}

/** Runs an always-failing operation under the schedule; counts attempts and the delays announced for retries. */
async function runFailing(retryLimits: RetryLimits): Promise<{ attempts: number; delays: number[] }> {
  const policy = retry(handleAll, retryScheduleOf(retryLimits));
  const delays: number[] = [];
  policy.onRetry(({ delay }) => delays.push(delay));
  let attempts = 0;
  await expect(
    policy.execute(() => {
      attempts += 1;
      return Promise.reject(new Error(`attempt ${attempts} failed`));
    }),
  ).rejects.toThrow(`attempt ${retryLimits.maxAttempts} failed`);
  return { attempts, delays };
}

describe('retry schedule', () => {
  it('keeps every delay within [0, maxDelayMs], however long the call keeps failing', () => {
    fc.assert(
      fc.property(
        limits({ attempts: 10, delayMs: 60_000 }),
        // Far past the point where 2^attempt overflows a double, where a capped backoff is easiest to break.
        fc.integer({ min: 1, max: 1_100 }),
        (retryLimits, steps) => {
          for (const delay of delaysOf(retryLimits, steps)) {
            expect(delay).toBeGreaterThanOrEqual(0);
            expect(delay).toBeLessThanOrEqual(retryLimits.maxDelayMs);
          }
        },
      ),
    );
  });

  it('makes exactly maxAttempts attempts (maxAttempts - 1 retries) before giving up', async () => {
    // Small delays: the policy really waits between attempts.
    await fc.assert(
      fc.asyncProperty(limits({ attempts: 6, delayMs: 5 }), async (retryLimits) => {
        const { attempts, delays } = await runFailing(retryLimits);
        expect(attempts).toBe(retryLimits.maxAttempts);
        expect(delays).toHaveLength(retryLimits.maxAttempts - 1);
        for (const delay of delays) expect(delay).toBeLessThanOrEqual(retryLimits.maxDelayMs);
      }),
      { numRuns: 40 },
    );
  });

  it('never retries an at-most-once contract, whatever attempts it declared', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          maxAttempts: fc.integer({ min: -5, max: 50 }),
          initialDelayMs: fc.integer({ min: 1, max: 5 }),
          maxDelayMs: fc.integer({ min: 1, max: 5 }),
        }),
        async (declared) => {
          const contract = defineCall({
            name: 'cart.view',
            policy: 'at-most-once',
            request: z.object({}),
            reply: z.object({}),
            retry: declared,
          });
          expect(contract.retry.maxAttempts).toBe(1);
          expect(retryScheduleOf(contract.retry).maxAttempts).toBe(0);
          const { attempts, delays } = await runFailing(contract.retry);
          expect(attempts).toBe(1);
          expect(delays).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it.each(['at-least-once', 'exactly-once'] as DeliveryPolicy[])(
    'keeps the declared attempts of %s',
    async (policy) => {
      const contract = defineCall({
        name: 'cart.view',
        policy,
        request: z.object({}),
        reply: z.object({}),
        retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
      });
      expect((await runFailing(contract.retry)).attempts).toBe(3);
    },
  );

  it('grows the typical delay with the attempt number until the cap (figures printed)', () => {
    // The default limits of a contract; the median over many samples shows the shape behind the jitter.
    const defaults: RetryLimits = { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 2_000 };
    const samples = 2_000;
    const steps = 8;
    const byStep: number[][] = Array.from({ length: steps }, () => []);
    for (let sample = 0; sample < samples; sample += 1) {
      delaysOf(defaults, steps).forEach((delay, step) => byStep[step]?.push(delay));
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const medians = byStep.map((values) => Math.round(median(values)));
    process.stdout.write(
      `${JSON.stringify({ test: 'retry schedule medians (ms) per retry, default limits', samples, medians })}\n`,
    );
    for (let step = 1; step < steps; step += 1) {
      const previous = medians[step - 1] ?? 0;
      expect(medians[step]).toBeGreaterThanOrEqual(Math.min(previous, defaults.maxDelayMs));
    }
    expect(medians[0]).toBeLessThan(defaults.initialDelayMs * 2);
    expect(medians[steps - 1]).toBe(defaults.maxDelayMs);
  });
});
