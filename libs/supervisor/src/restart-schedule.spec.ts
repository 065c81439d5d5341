import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { RestartBackoff } from './restart-backoff';
import { RestartIntensity } from './restart-intensity';

describe('RestartBackoff', () => {
  test('starts at the initial delay, doubles, never passes the cap, and starts over after reset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 30 }),
        (initial, cap, steps) => {
          const backoff = new RestartBackoff({ initialDelayMs: initial, maxDelayMs: cap });
          const delays = Array.from({ length: steps }, () => backoff.next());
          delays.forEach((delay, index) => expect(delay).toBe(Math.min(cap, initial * 2 ** index)));
          backoff.reset();
          expect(backoff.next()).toBe(Math.min(cap, initial));
        },
      ),
    );
  });

  test('the default supervisor schedule: 100 ms doubling to 5 s', () => {
    const backoff = new RestartBackoff({ initialDelayMs: 100, maxDelayMs: 5_000 });
    expect(Array.from({ length: 8 }, () => backoff.next())).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });
});

describe('RestartIntensity', () => {
  test('allows exactly maxRestarts within any period and refuses the next one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 40 }),
        (maxRestarts, periodMs, gaps) => {
          const intensity = new RestartIntensity(maxRestarts, periodMs);
          const times: number[] = [];
          let now = 0;
          for (const gap of gaps) {
            now += gap;
            times.push(now);
            const within = times.filter((time) => time > now - periodMs).length;
            expect(intensity.record(now)).toBe(within <= maxRestarts);
          }
        },
      ),
    );
  });

  test('restarts older than the period no longer count', () => {
    const intensity = new RestartIntensity(2, 1_000);
    expect([0, 10, 20].map((time) => intensity.record(time))).toEqual([true, true, false]);
    expect(intensity.record(1_015)).toBe(true);
    expect(intensity.countAt(1_015)).toBe(2);
  });
});
