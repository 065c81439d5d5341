// The cluster runner (deploy/local/cluster.ts) as `npm start` runs it: nodes from the blueprint, a clean
// stop on Ctrl-C that leaves no process behind, and a non-zero exit when it refuses or gives up.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

import { spawnCluster, waitFor } from '@trellis/testing';
import type { ClusterProcess } from '@trellis/testing';
import { afterEach, expect, test } from 'vitest';

import { isAlive } from './fixtures/harness';

const REPOSITORY_ROOT = resolve(__dirname, '../../..');
const BLUEPRINT_FILE = 'libs/supervisor/test/fixtures/cluster-blueprint.yaml';
const NODES = ['cart-1', 'cart-2', 'gateway-1'];

let cluster: ClusterProcess | undefined;
afterEach(async () => {
  // Only after a failed test is anything left: the runner, and its nodes, which lead their own groups.
  await cluster?.stop(5_000);
  cluster = undefined;
});

/** Starts the runner on the fixture blueprint, logging at info so its `node started` lines come. */
function startCluster(env: Readonly<Record<string, string>> = {}): ClusterProcess {
  cluster = spawnCluster({
    root: REPOSITORY_ROOT,
    env: { LOG_LEVEL: 'info', BLUEPRINT_FILE, ...env },
    runId: randomBytes(6).toString('hex'),
  });
  return cluster;
}

/** The first line the cluster printed that contains `text`. */
function lineWith(running: ClusterProcess, text: string): string | undefined {
  return running.findLine((line) => line.includes(text), 0)?.line;
}

test('SIGINT stops every node gracefully, the runner exits 0 and no node process is left', async () => {
  const running = startCluster();
  // A node prints its ready line once its SIGTERM handler is in place, so it can then be stopped gracefully.
  await waitFor(() => NODES.every((id) => lineWith(running, `[${id}] ready `) !== undefined), {
    timeoutMs: 30_000,
    intervalMs: 20,
    description: 'ready lines of gateway-1, cart-1 and cart-2',
  });
  expect(running.started.map((event) => event.node).sort()).toEqual(NODES);
  const nodes = running.started.map((event) => event.nodePid);
  expect(nodes.every(isAlive)).toBe(true);
  expect(
    lineWith(
      running,
      'skipping family orders: libs/supervisor/test/fixtures/not-written-yet.ts does not exist yet',
    ),
    running.tail(),
  ).toBeDefined();
  expect(
    lineWith(running, '[cart-2] ready id=cart-2 family=cart type=logic index=2'),
    running.tail(),
  ).toBeDefined();

  const interruptedAt = performance.now();
  const exit = await running.stop(30_000);
  const stopMs = performance.now() - interruptedAt;

  // The runner waits for every node, so by the time it has exited none is left, not even as an orphan.
  expect(exit).toEqual({ code: 0, signal: null, killed: false, leftoverPids: [] });
  for (const id of NODES) expect(lineWith(running, `[${id}] stopped`), running.tail()).toBeDefined();
  expect(nodes.filter(isAlive)).toEqual([]);
  process.stdout.write(
    `cluster runner: SIGINT → 3 nodes stopped and runner exited 0 in ${stopMs.toFixed(0)} ms\n`,
  );
});

test('a blueprint that the count overrides break is refused: exit 1, nothing started', async () => {
  const running = startCluster({ BLUEPRINT_CART_COUNT: '5' });
  const exit = await running.exited;

  expect(exit).toEqual({ code: 1, signal: null });
  expect(lineWith(running, 'cluster-blueprint.yaml: ratios.logicPerFrontEnd:'), running.tail()).toBeDefined();
  expect(lineWith(running, 'cart=5 (from BLUEPRINT_CART_COUNT)'), running.tail()).toBeDefined();
  expect(running.started).toEqual([]);
});

test('a crash loop makes the runner give up: every node stopped, exit 1', async () => {
  // Each crash 300 ms after start, so the other nodes are up (and handle SIGTERM) before the runner gives up.
  const running = startCluster({
    BLUEPRINT_PAYMENTS_COUNT: '1',
    SUPERVISOR_MAX_RESTARTS: '2',
    CRASH_AFTER_MS: '300',
  });
  const exit = await running.exited;

  expect(exit).toEqual({ code: 1, signal: null });
  expect(
    lineWith(running, 'supervisor gave up: payments-1 exited with code 1, which would be restart 3 within'),
    running.tail(),
  ).toBeDefined();
  for (const id of NODES) {
    expect(lineWith(running, `[${id}] stopped`), running.tail()).toBeDefined();
  }
  expect(running.livePids()).toEqual([]);
});
