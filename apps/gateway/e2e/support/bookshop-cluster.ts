// The whole bookshop cluster for one test file, isolated from anything else on the machine: its own
// RabbitMQ vhost, PostgreSQL database, Redis key prefix and loopback ports. Started the way `npm start`
// starts it, ready once the gateway is ready, serves the catalogue and routes by complete keyed rings.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

import { loadBlueprint } from '@trellis/supervisor';

import { createRabbitVhost, deleteRedisPrefix, freePort, spawnCluster, waitFor } from '@trellis/testing';
import type { ClusterExit, ClusterProcess, RabbitVhost } from '@trellis/testing';

import { servingFamilies } from '../../src/keyed-rings';
import { createE2eDatabase } from './e2e-database';
import type { E2eDatabase } from './e2e-database';
import { request } from '../../test/support/http';

/** The repository root, where `npm start` runs the cluster from. */
const repoRoot = resolve(__dirname, '../../../..');

/** Options of {@link startBookshopCluster}. */
export interface BookshopClusterOptions {
  /** Names the vhost, database and key prefix. */
  readonly label: string;
  /** LOG_LEVEL of the supervisor and every node; `warn` by default (`info` shows `node started` lines). */
  readonly logLevel?: 'warn' | 'info';
  /** How long to wait for readiness; 60 s by default. */
  readonly readyTimeoutMs?: number;
  /**
   * More environment for the supervisor, which passes its environment to every node (e.g.
   * `DATASET_CARTS_SHARING`, which overrides the blueprint's `datasets:`). Merged last, so it wins over the
   * harness's own variables.
   */
  readonly env?: Readonly<Record<string, string>>;
}

/** A running cluster and what it was given. */
export interface BookshopCluster {
  readonly gatewayUrl: string;
  readonly providerUrl: string;
  readonly process: ClusterProcess;
  /** Milliseconds from spawn until ready. */
  readonly startupMs: number;
  /** Stops the cluster (SIGINT, then SIGKILL at the deadline) and removes the vhost, database and keys. */
  stop(): Promise<ClusterExit>;
}

/**
 * Creates the isolated resources, starts the cluster and resolves once `GET /health/ready` and
 * `GET /v1/books` both answer 200 at the gateway and, for each node family the gateway routes keyed calls
 * to (the cart family), `GET /v1/cluster` shows a ring with as many members as the blueprint runs nodes. On a start-up failure everything is stopped and removed,
 * and the error carries the tail of the cluster's output.
 */
export async function startBookshopCluster(options: BookshopClusterOptions): Promise<BookshopCluster> {
  const runId = randomBytes(6).toString('hex');
  const dataPrefix = `e2e-${options.label}-${runId}`;
  let vhost: RabbitVhost | undefined;
  let database: E2eDatabase | undefined;
  let cluster: ClusterProcess | undefined;

  const cleanUp = async (): Promise<ClusterExit | undefined> => {
    const exit = await cluster?.stop();
    // Each clean-up runs even when an earlier one fails; the first failure is reported.
    const results = await Promise.allSettled([
      vhost?.delete(),
      database?.drop(),
      deleteRedisPrefix(dataPrefix),
    ]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return exit;
  };

  try {
    vhost = await createRabbitVhost(`e2e-${options.label}`);
    database = await createE2eDatabase(options.label);
    const gatewayPort = await freePort();
    const providerPort = await freePort();
    const logLevel = options.logLevel ?? 'warn';
    const env: Record<string, string> = {
      // PATH and HOME for tools the nodes may call; nothing else of the test runner's environment
      // (NODE_ENV=test, VITEST_*) leaks into the cluster.
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      AMQP_URL: vhost.url,
      DATABASE_URL: database.url,
      DATA_PREFIX: dataPrefix,
      GATEWAY_PORT: String(gatewayPort),
      PAYMENT_PROVIDER_PORT: String(providerPort),
      PAYMENT_PROVIDER_URL: `http://127.0.0.1:${providerPort}`,
      PAYMENT_PROVIDER_LOG_LEVEL: logLevel,
      HEALTH_PORT: '0',
      LOG_LEVEL: logLevel,
      ...options.env,
    };
    const ringSizes = await keyedRingSizes(env);
    const spawnedAt = Date.now();
    cluster = spawnCluster({ root: repoRoot, env, runId });
    const running = cluster;
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    await waitFor(
      async () => {
        if (running.exitedEarly()) throw new Error('the cluster process exited');
        const ready = await request(gatewayUrl, 'GET', '/health/ready', { timeoutMs: 2_000 });
        if (ready.status !== 200) return false;
        const books = await request(gatewayUrl, 'GET', '/v1/books', { timeoutMs: 5_000 });
        if (books.status !== 200) return false;
        // A cart node consumes before it has joined its family's ring and refuses keyed calls until then
        // (503 data.unavailable), while the gateway is already ready: a test's first login could land there.
        return keyedRingsComplete(gatewayUrl, ringSizes);
      },
      {
        timeoutMs: options.readyTimeoutMs ?? 60_000,
        intervalMs: 250,
        description: 'the gateway ready, serving books and routing by complete keyed rings',
      },
    );
    const startupMs = Date.now() - spawnedAt;
    let stopped: Promise<ClusterExit> | undefined;
    return {
      gatewayUrl,
      providerUrl: `http://127.0.0.1:${providerPort}`,
      process: running,
      startupMs,
      stop: () =>
        (stopped ??= cleanUp().then((exit) => {
          if (exit === undefined) throw new Error('the cluster was never started');
          return exit;
        })),
    };
  } catch (error) {
    const tail = cluster?.tail() ?? '';
    await cleanUp().catch(() => undefined);
    throw new Error(`the cluster did not start: ${String(error)}\n--- cluster output (tail) ---\n${tail}`, {
      cause: error,
    });
  }
}

/** How many nodes each family serving keyed calls runs, from the blueprint the cluster reads with `env`. */
async function keyedRingSizes(env: Readonly<Record<string, string>>): Promise<ReadonlyMap<string, number>> {
  const blueprint = await loadBlueprint(
    resolve(repoRoot, env['BLUEPRINT_FILE'] ?? 'deploy/blueprint.yaml'),
    env,
  );
  const keyed = new Set(Object.values(servingFamilies));
  return new Map(
    blueprint.families
      .filter((family) => keyed.has(family.name) && family.count > 0)
      .map((family) => [family.name, family.count]),
  );
}

/** True when `GET /v1/cluster` shows, for each family, a dataset whose ring has that many members. */
async function keyedRingsComplete(gatewayUrl: string, sizes: ReadonlyMap<string, number>): Promise<boolean> {
  if (sizes.size === 0) return true;
  const view = await request(gatewayUrl, 'GET', '/v1/cluster', { timeoutMs: 2_000 });
  if (view.status !== 200) return false;
  const datasets = (view.body as { datasets?: Array<{ family: string; members: string[] }> }).datasets ?? [];
  return [...sizes].every(([family, size]) =>
    datasets.some((dataset) => dataset.family === family && dataset.members.length === size),
  );
}
