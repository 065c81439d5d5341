// A node that keeps crashing is restarted after 100, 200, 400... ms: the delay doubles up to its cap.
import { performance } from 'node:perf_hooks';

import { waitFor } from '@trellis/testing';
import { afterEach, expect, test } from 'vitest';

import { Supervisor } from '../src/index';

import { fixtureSpec, silentLogger, stopQuietly } from './fixtures/harness';

let supervisor: Supervisor | undefined;
afterEach(() => stopQuietly(supervisor));

test('the delay before each restart of a crash-looping child doubles up to the cap', async () => {
  supervisor = new Supervisor({
    children: [fixtureSpec('orders-1', 'crashing-node')],
    output: () => undefined,
    logger: silentLogger,
    backoff: { initialDelayMs: 100, maxDelayMs: 800 },
    intensity: { maxRestarts: 100, periodMs: 60_000 },
  });
  const exits: { at: number; restartInMs: number | undefined }[] = [];
  const starts: number[] = [];
  supervisor.on('child-exited', (event) =>
    exits.push({ at: performance.now(), restartInMs: event.restartInMs }),
  );
  supervisor.on('child-started', () => starts.push(performance.now()));
  supervisor.start();

  // Six crashes: five delays that double (100 → 800) and one at the cap.
  await waitFor(() => starts.length >= 7, { timeoutMs: 60_000, description: 'seven starts of orders-1' });
  await supervisor.stop();

  const scheduled = exits.slice(0, 6).map((exit) => exit.restartInMs);
  expect(scheduled).toEqual([100, 200, 400, 800, 800, 800]);
  // Measured: from each exit to the next start, at least the scheduled delay, and growing while it doubles.
  const gaps = exits.slice(0, 6).map((exit, index) => (starts[index + 1] ?? Number.NaN) - exit.at);
  gaps.forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual((scheduled[index] ?? 0) - 1));
  for (let index = 1; index < 4; index += 1) {
    expect(gaps[index]).toBeGreaterThan(gaps[index - 1] ?? Number.POSITIVE_INFINITY);
  }
  process.stdout.write(
    `backoff: scheduled ${scheduled.join(', ')} ms; measured exit → start ${gaps.map((gap) => gap.toFixed(0)).join(', ')} ms\n`,
  );
});
