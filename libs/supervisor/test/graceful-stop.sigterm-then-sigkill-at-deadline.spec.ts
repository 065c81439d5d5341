// stop(): SIGTERM to every node, a deadline for them to finish, SIGKILL for whoever is still there.
import { performance } from 'node:perf_hooks';

import { afterEach, expect, test } from 'vitest';

import { Supervisor } from '../src/index';
import type { ChildExitedEvent } from '../src/index';

import {
  collectingSink,
  fixtureSpec,
  isAlive,
  silentLogger,
  stopQuietly,
  waitUntilReady,
} from './fixtures/harness';

let supervisor: Supervisor | undefined;
afterEach(() => stopQuietly(supervisor));

test('stop() sends SIGTERM and nodes that handle it exit 0 well within the deadline', async () => {
  const { lines, sink } = collectingSink();
  const ids = ['cart-1', 'orders-1', 'notifications-1'];
  supervisor = new Supervisor({
    children: ids.map((id) => fixtureSpec(id, 'well-behaved-node', { CLEANUP_MS: '200' })),
    output: sink,
    logger: silentLogger,
    stopTimeoutMs: 5_000,
  });
  const exits: ChildExitedEvent[] = [];
  supervisor.on('child-exited', (event) => exits.push(event));
  supervisor.start();
  const pids = await waitUntilReady(lines, ids);

  const stopAt = performance.now();
  await supervisor.stop();
  const stopMs = performance.now() - stopAt;

  expect(exits.map(({ id, code, signal, restartInMs }) => ({ id, code, signal, restartInMs }))).toEqual(
    expect.arrayContaining(ids.map((id) => ({ id, code: 0, signal: null, restartInMs: undefined }))),
  );
  expect(exits).toHaveLength(3);
  // Each ran its cleanup (200 ms) and none waited for the deadline.
  expect(stopMs).toBeGreaterThanOrEqual(200);
  expect(stopMs).toBeLessThan(5_000);
  for (const pid of pids.values()) expect(isAlive(pid)).toBe(false);
  expect(await supervisor.done).toEqual({ outcome: 'stopped' });
  process.stdout.write(`graceful stop: 3 nodes exited 0 in ${stopMs.toFixed(0)} ms (deadline 5000 ms)\n`);
});

test('a node that ignores SIGTERM is SIGKILLed at the deadline while the others exit 0', async () => {
  const { lines, sink } = collectingSink();
  supervisor = new Supervisor({
    children: [fixtureSpec('cart-1', 'well-behaved-node'), fixtureSpec('catalog-1', 'stubborn-node')],
    output: sink,
    logger: silentLogger,
    stopTimeoutMs: 1_000,
  });
  const exits: (ChildExitedEvent & { at: number })[] = [];
  supervisor.on('child-exited', (event) => exits.push({ ...event, at: performance.now() }));
  supervisor.start();
  const pids = await waitUntilReady(lines, ['cart-1', 'catalog-1']);

  const stopAt = performance.now();
  await supervisor.stop();
  const stopMs = performance.now() - stopAt;

  const stubborn = exits.find((event) => event.id === 'catalog-1');
  const polite = exits.find((event) => event.id === 'cart-1');
  expect(stubborn).toMatchObject({ code: null, signal: 'SIGKILL' });
  expect(polite).toMatchObject({ code: 0, signal: null });
  expect(lines.map((line) => line.text)).toContain('[catalog-1] ignoring SIGTERM');
  // Killed at the deadline: not before, and not long after.
  const killedAfterMs = (stubborn?.at ?? Number.NaN) - stopAt;
  expect(killedAfterMs).toBeGreaterThanOrEqual(1_000);
  expect(killedAfterMs).toBeLessThan(2_000);
  expect((polite?.at ?? Number.NaN) - stopAt).toBeLessThan(1_000);
  for (const pid of pids.values()) expect(isAlive(pid)).toBe(false);
  process.stdout.write(
    `graceful stop: catalog-1 ignored SIGTERM and was SIGKILLed after ${killedAfterMs.toFixed(0)} ms ` +
      `(deadline 1000 ms); stop() resolved in ${stopMs.toFixed(0)} ms\n`,
  );
});
