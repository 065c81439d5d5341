// HTTP benchmark of the gateway path: `npm run bench:gateway`. It starts, in one process tree, a bare
// Fastify hello-world (the limit) and the cluster of deploy/blueprint.yaml the way `npm start` does, in
// a vhost, database, Redis key prefix and ports of its own, loads both with autocannon, prints the report
// and removes everything it started or created, also when a step fails or the run is interrupted.
// Settings (environment): BENCH_DURATION_MS, BENCH_WARMUP_MS, BENCH_CONNECTIONS, BENCH_SESSIONS,
// BENCH_LOG_LEVEL (the cluster's LOG_LEVEL), BENCH_READY_TIMEOUT_MS, BENCH_VERBOSE=1 (show cluster output).
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  freePort,
  cleanUpOnSignal,
  readBenchSettings,
  runBench,
  spawnCluster,
  startNodeProcess,
  stopAllNodeProcesses,
  waitFor,
} from '@trellis/testing';
import type { ClusterProcess } from '@trellis/testing';
import { createBenchEnvironment } from './bench-environment';
import type { BenchEnvironment } from './bench-environment';
import { measure, stopLoad } from './load';
import type { LoadMeasurement, LoadSettings, LoadTarget } from './load';
import { formatReport } from './report';

const positiveInt = z.coerce.number().int().positive();

const settingsSchema = z.object({
  BENCH_DURATION_MS: positiveInt.default(5000),
  BENCH_WARMUP_MS: z.coerce.number().int().nonnegative().default(1000),
  BENCH_CONNECTIONS: positiveInt.default(64),
  BENCH_SESSIONS: positiveInt.max(1000).default(8),
  // Fastify logs two lines per request at info; warn keeps logging out of the figures.
  BENCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  BENCH_READY_TIMEOUT_MS: positiveInt.default(120_000),
  BENCH_VERBOSE: z.enum(['0', '1']).default('0'),
});

const ROOT = resolve(__dirname, '../../..');
/** The supervisor's wait between SIGTERM and SIGKILL per node; the bench waits a little longer for all. */
const NODE_STOP_TIMEOUT_MS = 5000;
const CLUSTER_STOP_GRACE_MS = NODE_STOP_TIMEOUT_MS + 10_000;

function log(line: string): void {
  process.stderr.write(`bench:gateway: ${line}\n`);
}

/** The bench's own environment, which the cluster inherits as under `npm start` (PATH, BLUEPRINT_*). */
function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

async function http(
  url: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: response.status, body };
}

const sessionReply = z.object({ sessionId: z.string(), token: z.string() });
const bookList = z.object({ items: z.array(z.object({ id: z.string() })).min(1) });

async function login(gateway: string, userId: string): Promise<string> {
  const reply = await http(`${gateway}/v1/sessions`, { method: 'POST', body: { userId } });
  if (reply.status !== 201)
    throw new Error(`POST /v1/sessions: ${reply.status} ${JSON.stringify(reply.body)}`);
  return sessionReply.parse(reply.body).token;
}

/**
 * Ready means the whole path answers, not only that the gateway listens (its readiness covers its bus
 * connection alone): a book list, a book, a login and a cart update all succeed. Resolves with book ids.
 */
async function waitUntilServing(
  gateway: string,
  cluster: ClusterProcess,
  timeoutMs: number,
): Promise<string[]> {
  const probe = async (): Promise<string[] | undefined> => {
    const list = await http(`${gateway}/v1/books`);
    if (list.status !== 200) return undefined;
    const ids = bookList.parse(list.body).items.map((book) => book.id);
    const book = await http(`${gateway}/v1/books/${encodeURIComponent(ids[0] ?? '')}`);
    if (book.status !== 200) return undefined;
    const token = await login(gateway, 'bench-readiness');
    const cart = await http(`${gateway}/v1/cart/items/${encodeURIComponent(ids[0] ?? '')}`, {
      method: 'PUT',
      token,
      body: { quantity: 1 },
    });
    return cart.status === 200 ? ids : undefined;
  };
  const ready = waitFor(probe, {
    timeoutMs,
    intervalMs: 250,
    description: 'the cluster to serve books and carts',
  });
  const died = cluster.exited.then(({ code, signal }) => {
    throw new Error(`the cluster exited (${signal ?? `code ${String(code)}`}) before it was ready`);
  });
  return Promise.race([ready, died]);
}

/** Cycles through `values`, one per request, across all connections. */
function rotate<T>(values: readonly T[]): () => T {
  let next = 0;
  return () => {
    const value = values[next % values.length];
    next += 1;
    return value;
  };
}

function targets(
  helloUrl: string,
  gateway: string,
  bookIds: readonly string[],
  tokens: readonly string[],
): LoadTarget[] {
  const nextBook = rotate(bookIds);
  const nextCartBook = rotate(bookIds);
  const nextToken = rotate(tokens);
  const nextQuantity = rotate([1, 2, 3, 4, 5]);
  return [
    { route: 'GET / (bare Fastify hello-world)', url: helloUrl, requests: [{ method: 'GET', path: '/' }] },
    {
      route: 'GET /v1/books/:id',
      url: gateway,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({ ...request, path: `/v1/books/${encodeURIComponent(nextBook())}` }),
        },
      ],
    },
    {
      route: 'PUT /v1/cart/items/:bookId',
      url: gateway,
      requests: [
        {
          method: 'PUT',
          setupRequest: (request) => ({
            ...request,
            path: `/v1/cart/items/${encodeURIComponent(nextCartBook())}`,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${nextToken()}` },
            body: JSON.stringify({ quantity: nextQuantity() }),
          }),
        },
      ],
    },
  ];
}

function progress(m: LoadMeasurement): void {
  const failed = m.non2xx + m.errors > 0 ? `, ${m.non2xx} non-2xx, ${m.errors} errors` : '';
  log(`${m.route}: ${m.perSec.toFixed(0)} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms${failed}`);
}

let cleanup: (() => Promise<void>) | undefined;
/** Set by SIGINT/SIGTERM: no further route is loaded while everything is being stopped. */
let interrupted = false;

async function main(): Promise<void> {
  const settings = readBenchSettings(settingsSchema);
  const started = performance.now();
  let environment: BenchEnvironment | undefined;
  let cluster: ClusterProcess | undefined;
  let cleaning: Promise<void> | undefined;
  cleanup = () => {
    cleaning ??= (async () => {
      stopLoad();
      // The cluster first: its nodes hold the vhost, the database and the keys being removed.
      const exit = await cluster?.stop(CLUSTER_STOP_GRACE_MS);
      if (exit !== undefined && (exit.killed || exit.leftoverPids.length > 0)) {
        log(
          `cluster did not stop within ${CLUSTER_STOP_GRACE_MS} ms of SIGINT: killed ` +
            `${exit.killed ? 'the runner and ' : ''}${exit.leftoverPids.length} node process(es)`,
        );
      }
      await stopAllNodeProcesses();
      await environment?.dispose();
    })();
    return cleaning;
  };

  try {
    environment = await createBenchEnvironment();
    const [helloPort, gatewayPort, providerPort] = await Promise.all([freePort(), freePort(), freePort()]);
    await startNodeProcess(join(__dirname, 'hello-server.ts'), {
      name: 'hello-world',
      env: { HELLO_PORT: String(helloPort) },
    });
    const gateway = `http://127.0.0.1:${gatewayPort}`;
    cluster = spawnCluster({
      root: ROOT,
      runId: randomBytes(6).toString('hex'),
      env: {
        ...inheritedEnv(),
        AMQP_URL: environment.amqpUrl,
        BUS_PREFIX: 'trellis',
        DATABASE_URL: environment.databaseUrl,
        DATA_PREFIX: environment.dataPrefix,
        REDIS_URL: environment.redisUrl,
        GATEWAY_PORT: String(gatewayPort),
        PAYMENT_PROVIDER_PORT: String(providerPort),
        PAYMENT_PROVIDER_URL: `http://127.0.0.1:${providerPort}`,
        LOG_LEVEL: settings.BENCH_LOG_LEVEL,
        SUPERVISOR_STOP_TIMEOUT_MS: String(NODE_STOP_TIMEOUT_MS),
      },
      echo: settings.BENCH_VERBOSE === '1',
    });
    log(`cluster starting (pid ${cluster.pid}), gateway on ${gateway}`);
    const readyStarted = performance.now();
    let bookIds: string[];
    try {
      bookIds = await waitUntilServing(gateway, cluster, settings.BENCH_READY_TIMEOUT_MS);
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n--- last cluster output ---\n${cluster.tail()}`,
      );
    }
    log(`cluster serving after ${((performance.now() - readyStarted) / 1000).toFixed(1)} s`);
    const tokens: string[] = [];
    for (let i = 0; i < settings.BENCH_SESSIONS; i += 1) tokens.push(await login(gateway, `bench-user-${i}`));

    const load: LoadSettings = {
      connections: settings.BENCH_CONNECTIONS,
      durationMs: settings.BENCH_DURATION_MS,
      warmupMs: settings.BENCH_WARMUP_MS,
    };
    const results: LoadMeasurement[] = [];
    for (const target of targets(`http://127.0.0.1:${helloPort}`, gateway, bookIds.slice(0, 8), tokens)) {
      if (interrupted) return;
      const m = await measure(target, load);
      progress(m);
      results.push(m);
    }
    const [baseline] = results;
    if (baseline === undefined) throw new Error('no baseline measured');
    const benchSeconds = ((performance.now() - started) / 1000).toFixed(1);

    await cleanup();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `\nGateway HTTP, ${load.connections} connections, ${load.durationMs} ms per route after ${load.warmupMs} ms warm-up; ` +
        `one round (compare ratios, not absolute figures across runs). Cluster: deploy/blueprint.yaml as \`npm start\` ` +
        `runs it, LOG_LEVEL=${settings.BENCH_LOG_LEVEL}; the hello-world was measured with the cluster up and idle. ` +
        `req/s counts 2xx responses only; latencies cover every response. ${tokens.length} sessions rotate on the cart ` +
        `route, ${Math.min(bookIds.length, 8)} book ids on both gateway routes. Run took ${seconds} s ` +
        `(${benchSeconds} s until the last measurement).\n\n`,
    );
    process.stdout.write(formatReport(results, baseline));
    // Failed requests make the figures suspect: say so in the exit code too.
    if (results.some((m) => m.non2xx + m.errors > 0)) process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

cleanUpOnSignal('bench:gateway', {
  interrupt: () => {
    interrupted = true;
  },
  cleanup: () => cleanup?.(),
});
runBench('bench:gateway', main);
