// The cluster runner (deploy/local/cluster.ts) as `npm start` runs it: nodes from the blueprint, a clean
// stop on Ctrl-C that leaves no process behind, and a non-zero exit when it refuses or gives up.
import { performance } from 'node:perf_hooks';

import { waitFor } from '@trellis/testing';
import { afterEach, expect, test } from 'vitest';

import type { ClusterProcess } from './fixtures/cluster-process';
import { nodePids, startCluster } from './fixtures/cluster-process';
import { isAlive } from './fixtures/harness';

const BLUEPRINT_FILE = 'libs/supervisor/test/fixtures/cluster-blueprint.yaml';

let cluster: ClusterProcess | undefined;
afterEach(async () => {
  // Only after a failed test is anything left: the runner, and its nodes, which lead their own groups.
  if (cluster === undefined) return;
  cluster.kill('SIGKILL');
  await cluster.exited;
  for (const pids of nodePids(cluster.output()).values()) {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  cluster = undefined;
});

test('SIGINT stops every node gracefully, the runner exits 0 and no node process is left', async () => {
  cluster = startCluster({ BLUEPRINT_FILE });
  const running = cluster;
  const pids = await waitFor(
    () => {
      const seen = nodePids(running.output());
      return ['gateway-1', 'cart-1', 'cart-2'].every((id) => seen.has(id)) ? seen : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 20, description: 'ready lines of gateway-1, cart-1 and cart-2' },
  );
  const nodes = [...pids.values()].flat();
  expect(nodes).toHaveLength(3);
  expect(nodes.every(isAlive)).toBe(true);
  expect(running.output()).toContain(
    'skipping family orders: libs/supervisor/test/fixtures/not-written-yet.ts does not exist yet',
  );
  expect(running.output()).toContain('[cart-2] ready id=cart-2 family=cart type=logic index=2');

  const interruptedAt = performance.now();
  running.kill('SIGINT');
  const exit = await running.exited;
  const stopMs = performance.now() - interruptedAt;

  expect(exit).toEqual({ code: 0, signal: null });
  for (const id of ['gateway-1', 'cart-1', 'cart-2']) expect(running.output()).toContain(`[${id}] stopped`);
  // The runner waits for every node, so by the time it has exited none is left, not even as an orphan.
  expect(nodes.filter(isAlive)).toEqual([]);
  process.stdout.write(
    `cluster runner: SIGINT → 3 nodes stopped and runner exited 0 in ${stopMs.toFixed(0)} ms\n`,
  );
});

test('a blueprint that the count overrides break is refused: exit 1, nothing started', async () => {
  cluster = startCluster({ BLUEPRINT_FILE, BLUEPRINT_CART_COUNT: '5' });
  const exit = await cluster.exited;

  expect(exit).toEqual({ code: 1, signal: null });
  expect(cluster.output()).toContain('cluster-blueprint.yaml: ratios.logicPerFrontEnd:');
  expect(cluster.output()).toContain('cart=5 (from BLUEPRINT_CART_COUNT)');
  expect(cluster.output()).not.toContain('node started');
  expect(nodePids(cluster.output()).size).toBe(0);
});

test('a crash loop makes the runner give up: every node stopped, exit 1', async () => {
  // Each crash 300 ms after start, so the other nodes are up (and handle SIGTERM) before the runner gives up.
  cluster = startCluster({
    BLUEPRINT_FILE,
    BLUEPRINT_PAYMENTS_COUNT: '1',
    SUPERVISOR_MAX_RESTARTS: '2',
    CRASH_AFTER_MS: '300',
  });
  const exit = await cluster.exited;
  const output = cluster.output();

  expect(exit).toEqual({ code: 1, signal: null });
  expect(output).toMatch(
    /supervisor gave up: payments-1 exited with code 1, which would be restart 3 within/,
  );
  for (const id of ['gateway-1', 'cart-1', 'cart-2']) expect(output).toContain(`[${id}] stopped`);
  const left = [...nodePids(output).values()].flat().filter(isAlive);
  expect(left).toEqual([]);
});
