// Restart intensity (OTP's MaxR in MaxT): a crash loop that outruns it makes the supervisor give up and stop
// every other node gracefully, instead of restarting forever.
import { performance } from 'node:perf_hooks';

import { afterEach, expect, test } from 'vitest';

import { Supervisor } from '../src/index';
import type { ChildExitedEvent, GaveUpEvent } from '../src/index';

import {
  collectingSink,
  fixtureSpec,
  isAlive,
  readyPids,
  silentLogger,
  stopQuietly,
} from './fixtures/harness';

let supervisor: Supervisor | undefined;
afterEach(() => stopQuietly(supervisor));

test('more than 3 restarts within 10 s trips the limit: the supervisor gives up and stops the other nodes', async () => {
  const { lines, sink } = collectingSink();
  supervisor = new Supervisor({
    children: [
      fixtureSpec('cart-1', 'well-behaved-node'),
      // Each crash comes 200 ms after start, well after cart-1 (started at the same time) is ready.
      fixtureSpec('payments-1', 'crashing-node', { CRASH_AFTER_MS: '200' }, 'service'),
    ],
    output: sink,
    logger: silentLogger,
    backoff: { initialDelayMs: 50, maxDelayMs: 50 },
    intensity: { maxRestarts: 3, periodMs: 10_000 },
  });
  const exits: ChildExitedEvent[] = [];
  const gaveUp: GaveUpEvent[] = [];
  supervisor.on('child-exited', (event) => exits.push(event));
  supervisor.on('gave-up', (event) => gaveUp.push(event));
  const startedAt = performance.now();
  supervisor.start();

  const ended = await supervisor.done;
  const elapsedMs = performance.now() - startedAt;

  expect(ended.outcome).toBe('gave-up');
  expect(gaveUp).toHaveLength(1);
  expect(gaveUp[0]?.message).toMatch(
    /^supervisor gave up: payments-1 exited with code 1, which would be restart 4 within 10000 ms, more than the limit of 3/,
  );
  // Three restarts of payments-1, then the fourth exit gives up instead of restarting.
  const crashes = exits.filter((event) => event.id === 'payments-1');
  expect(crashes.map((event) => event.restartInMs)).toEqual([50, 50, 50, undefined]);
  // cart-1 was stopped by the supervisor, not by the crash loop.
  const cart = exits.filter((event) => event.id === 'cart-1');
  expect(cart).toHaveLength(1);
  expect(cart[0]?.restartInMs).toBeUndefined();
  const cartPid = cart[0]?.pid ?? -1;
  expect(isAlive(cartPid)).toBe(false);
  expect(supervisor.status().every((child) => child.pid === undefined)).toBe(true);
  // Stopped gracefully: SIGTERM, cleanup, exit 0 (its ready line shows its handler was in place).
  expect(readyPids(lines).get('cart-1')).toEqual([cartPid]);
  expect(cart[0]).toMatchObject({ code: 0, signal: null });
  expect(lines.map((line) => line.text)).toContain('[cart-1] stopped');

  process.stdout.write(
    `intensity: gave up after ${crashes.length} exits of payments-1 in ${elapsedMs.toFixed(0)} ms; ` +
      `cart-1 ended with ${cart[0]?.signal ?? `code ${String(cart[0]?.code)}`}\n`,
  );
});
