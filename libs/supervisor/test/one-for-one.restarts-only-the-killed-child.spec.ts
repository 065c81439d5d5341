// One-for-one: a node killed with SIGKILL comes back under the same id, and no other node is touched.
import { performance } from 'node:perf_hooks';

import { waitFor } from '@trellis/testing';
import { afterEach, expect, test } from 'vitest';

import { Supervisor } from '../src/index';
import type { ChildStartedEvent } from '../src/index';

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

test('a SIGKILLed child is restarted with its id and environment while the others keep their pids', async () => {
  const { lines, sink } = collectingSink();
  const ids = ['cart-1', 'cart-2', 'orders-1'];
  supervisor = new Supervisor({
    children: ids.map((id) => fixtureSpec(id, 'well-behaved-node')),
    output: sink,
    logger: silentLogger,
    backoff: { initialDelayMs: 100, maxDelayMs: 5_000 },
  });
  const started: (ChildStartedEvent & { at: number })[] = [];
  supervisor.on('child-started', (event) => started.push({ ...event, at: performance.now() }));
  supervisor.start();

  const before = await waitUntilReady(lines, ids);
  expect([...before.keys()]).toEqual(ids);
  const victim = before.get('cart-2') ?? -1;

  const killedAt = performance.now();
  process.kill(victim, 'SIGKILL');
  const restart = await waitFor(
    () => started.find((event) => event.id === 'cart-2' && event.restarts === 1),
    {
      timeoutMs: 10_000,
      intervalMs: 10,
      description: 'cart-2 to be started again',
    },
  );
  const restartMs = restart.at - killedAt;
  const after = await waitUntilReady(lines, ['cart-2'], 2);
  const readyMs = performance.now() - killedAt;

  expect(restart.pid).not.toBe(victim);
  expect(after.get('cart-2')).toBe(restart.pid);
  expect(isAlive(victim)).toBe(false);
  // The new process got the same identity.
  expect(lines.map((line) => line.text)).toContain(
    `[cart-2] ready id=cart-2 family=cart type=logic index=- pid=${restart.pid}`,
  );
  // One-for-one: the others were neither restarted nor replaced.
  for (const id of ['cart-1', 'orders-1']) {
    const pid = before.get(id) ?? -1;
    expect(isAlive(pid)).toBe(true);
    expect(supervisor.status().find((child) => child.id === id)).toEqual({ id, pid, restarts: 0 });
  }
  expect(started.filter((event) => event.restarts > 0).map((event) => event.id)).toEqual(['cart-2']);
  // The 100 ms backoff is part of the restart time.
  expect(restartMs).toBeGreaterThanOrEqual(100);

  process.stdout.write(
    `one-for-one: cart-2 SIGKILLed → new process started in ${restartMs.toFixed(0)} ms ` +
      `(backoff 100 ms), ready in ${readyMs.toFixed(0)} ms; cart-1 and orders-1 kept their pids\n`,
  );
});
