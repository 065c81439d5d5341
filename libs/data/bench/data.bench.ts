// Throughput and latency of the cart's datasets under each sharing strategy, over the bus, against a bare bus
// call: `npm run bench:data`. For each strategy it starts three cart nodes (apps/cart/src/main.ts, each a
// process of its own) with both datasets shared that way, logs sessions in, drives cart.setItem and then
// cart.get through a caller that routes by the cart family's ring, reads every written cart line back, and
// stops the nodes; for share-everything it also measures how long a write acknowledged by one node takes to
// show on the others. Everything runs in a RabbitMQ vhost and Redis key prefixes of its own, removed at the
// end, also after a failure or Ctrl-C.
// Settings (environment): BENCH_DURATION_MS, BENCH_WARMUP_MS, BENCH_CONCURRENCY, BENCH_SESSIONS,
// BENCH_LAG_SAMPLES, BENCH_STRATEGIES (comma list of nothing, something-2-2, something-2-1, everything),
// BENCH_LOG_LEVEL (the nodes' LOG_LEVEL), BENCH_READY_TIMEOUT_MS, BENCH_VERBOSE=1 (show the nodes' output).
import { randomBytes, randomUUID } from 'node:crypto';
import { Bus } from '@trellis/bus';
import { getCart, login, setCartItem } from '@trellis/contracts';
import {
  cleanUpOnSignal,
  createRabbitVhost,
  deleteRedisPrefix,
  readBenchSettings,
  runBench,
} from '@trellis/testing';
import type { RabbitVhost } from '@trellis/testing';
import { pino } from 'pino';
import { z } from 'zod';
import type { CartCluster } from './cart-cluster';
import { startCartCluster } from './cart-cluster';
import type { PhaseMeasurement } from './closed-loop';
import { forEachLimited, measurePhase } from './closed-loop';
import type { LagMeasurement } from './replication-lag';
import { measureReplicationLag } from './replication-lag';
import type { StrategyResult } from './report';
import { formatFailures, formatLag, formatTable } from './report';
import type { StandIns } from './stand-ins';
import { echo, startStandIns } from './stand-ins';
import { WrittenCarts } from './written-carts';

const positiveInt = z.coerce.number().int().positive();

/** The strategies measured, each applied to both datasets (sessions and carts) of the cart node. */
const strategies = [
  { key: 'nothing', label: 'nothing', env: sharing('nothing') },
  { key: 'something-2-2', label: 'something N=2 W=2', env: sharing('something', 2, 2) },
  { key: 'something-2-1', label: 'something N=2 W=1', env: sharing('something', 2, 1) },
  { key: 'everything', label: 'everything', env: sharing('everything') },
] as const;
const strategyKeys = strategies.map((s) => s.key);

const settingsSchema = z
  .object({
    BENCH_DURATION_MS: positiveInt.default(3000),
    BENCH_WARMUP_MS: z.coerce.number().int().nonnegative().default(1000),
    BENCH_CONCURRENCY: positiveInt.max(1000).default(32),
    BENCH_SESSIONS: positiveInt.max(10_000).default(200),
    BENCH_LAG_SAMPLES: z.coerce.number().int().nonnegative().max(10_000).default(200),
    BENCH_STRATEGIES: z
      .string()
      .default(strategyKeys.join(','))
      .transform((list) => list.split(',').map((item) => item.trim()))
      .pipe(z.array(z.enum(strategyKeys)).min(1)),
    BENCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
    BENCH_READY_TIMEOUT_MS: positiveInt.default(60_000),
    BENCH_VERBOSE: z.enum(['0', '1']).default('0'),
  })
  // Each worker writes sessions of its own, so the read-back can know what every cart must hold.
  .refine((settings) => settings.BENCH_SESSIONS >= settings.BENCH_CONCURRENCY, {
    error: 'BENCH_SESSIONS must be at least BENCH_CONCURRENCY (each worker writes sessions of its own)',
    path: ['BENCH_SESSIONS'],
  });

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Distinct books the write phase cycles through, so carts stay small (at most this many lines). */
const BOOKS = 16;
/** How long one node may take to show a share-everything write before the sample counts as not seen. */
const LAG_DEADLINE_MS = 5_000;
/** The three cart nodes of every strategy; A takes the writes of the lag measurement. */
const NODE_LETTERS = ['a', 'b', 'c'] as const;

function sharing(strategy: string, replicas?: number, writeAcks?: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const dataset of ['SESSIONS', 'CARTS']) {
    env[`DATASET_${dataset}_SHARING`] = strategy;
    if (replicas !== undefined) env[`DATASET_${dataset}_REPLICAS`] = String(replicas);
    if (writeAcks !== undefined) env[`DATASET_${dataset}_WRITE_ACKS`] = String(writeAcks);
  }
  return env;
}

function log(line: string): void {
  process.stderr.write(`bench:data: ${line}\n`);
}

function describePhase(what: string, m: PhaseMeasurement): string {
  const failed = m.errors > 0 ? `, ${m.errors} failed (first: ${m.firstError ?? '?'})` : '';
  return `${what}: ${m.perSec.toFixed(0)}/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms${failed}`;
}

/** Cycles through `values`, one per call. */
function rotate<T>(values: readonly T[]): () => T {
  let next = 0;
  return () => {
    const value = values[next % values.length];
    next += 1;
    if (value === undefined) throw new Error('nothing to rotate through');
    return value;
  };
}

const retriedBy = (bus: Bus): number =>
  bus.metrics.snapshot().reduce((sum, entry) => sum + entry.counts.retried, 0);

let cleanup: (() => Promise<void>) | undefined;
/** Set by SIGINT/SIGTERM: no further phase starts while everything is being stopped. */
let interrupted = false;

async function main(): Promise<void> {
  const settings = readBenchSettings(settingsSchema);
  const started = performance.now();
  const logger = pino({ level: 'warn' }, process.stderr);
  const phase = {
    concurrency: settings.BENCH_CONCURRENCY,
    durationMs: settings.BENCH_DURATION_MS,
    warmupMs: settings.BENCH_WARMUP_MS,
  };
  const runId = randomBytes(4).toString('hex');
  const prefixes: string[] = [];
  let vhost: RabbitVhost | undefined;
  let standIns: StandIns | undefined;
  let echoCaller: Bus | undefined;
  let cluster: CartCluster | undefined;
  const problems: string[] = [];

  let cleaning: Promise<void> | undefined;
  cleanup = () =>
    (cleaning ??= (async () => {
      // The nodes first: they hold the vhost and the keys being removed.
      const unclean = (await cluster?.stop().catch((error: unknown) => [String(error)])) ?? [];
      problems.push(...unclean.map((how) => `a cart node did not stop cleanly: ${how}`));
      await echoCaller?.close().catch(() => undefined);
      await standIns?.close().catch(() => undefined);
      for (const prefix of prefixes) {
        await deleteRedisPrefix(prefix, REDIS_URL).catch((error: unknown) =>
          log(`Redis keys under ${prefix} not removed: ${String(error)}`),
        );
      }
      await vhost?.delete();
    })());

  try {
    vhost = await createRabbitVhost('data-bench');
    standIns = await startStandIns(vhost.url, logger);
    const sessionIds = Array.from({ length: settings.BENCH_SESSIONS }, () => randomUUID());

    echoCaller = await Bus.connect({ url: vhost.url, logger, nodeId: 'bench-echo-caller' });
    const echoes = echoCaller;
    const nextEchoSession = rotate(sessionIds);
    const baseline = await measurePhase(() => echoes.call(echo, { sessionId: nextEchoSession() }), phase);
    log(describePhase('bare bus call', baseline));

    const results: StrategyResult[] = [];
    let lag: LagMeasurement | undefined;
    for (const strategy of strategies.filter((s) => settings.BENCH_STRATEGIES.includes(s.key))) {
      if (interrupted) return;
      const dataPrefix = `trellis-bench-data-${runId}-${strategy.key}`;
      prefixes.push(dataPrefix);
      const nodeIds = NODE_LETTERS.map((letter) => `cart-${strategy.key}-${letter}`);
      const startedAt = performance.now();
      cluster = await startCartCluster({
        amqpUrl: vhost.url,
        redisUrl: REDIS_URL,
        dataPrefix,
        nodeIds,
        datasetEnv: strategy.env,
        logLevel: settings.BENCH_LOG_LEVEL,
        readyTimeoutMs: settings.BENCH_READY_TIMEOUT_MS,
        verbose: settings.BENCH_VERBOSE === '1',
        logger,
      });
      log(
        `${strategy.label}: 3 cart nodes ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
      );
      const caller = cluster.caller;
      await forEachLimited(sessionIds, settings.BENCH_CONCURRENCY, async (sessionId) => {
        await caller.call(login, { sessionId, userId: `bench-${sessionId.slice(0, 8)}` });
      });
      const retriedBefore = retriedBy(caller);

      // Worker w writes sessions w, w + C, w + 2C, …: no two writes of one session are ever in flight together.
      const sessionsOfWorker = Array.from({ length: phase.concurrency }, (_, worker) =>
        rotate(sessionIds.filter((_, i) => i % phase.concurrency === worker)),
      );
      const written = new WrittenCarts();
      let write = 0;
      const writes = await measurePhase(async (worker) => {
        write += 1;
        const nextSession = sessionsOfWorker[worker];
        if (nextSession === undefined) throw new Error(`no sessions for worker ${worker}`);
        const request = {
          sessionId: nextSession(),
          bookId: `book-${write % BOOKS}`,
          quantity: 1 + (write % 9),
        };
        try {
          await caller.call(setCartItem, request);
        } catch (error) {
          written.fail(request.sessionId, request.bookId);
          throw error;
        }
        written.acknowledge(request.sessionId, request.bookId, request.quantity);
      }, phase);
      log(describePhase(`${strategy.label} cart.setItem`, writes));
      if (interrupted) return;

      const nextReadSession = rotate(sessionIds);
      const reads = await measurePhase(() => caller.call(getCart, { sessionId: nextReadSession() }), phase);
      log(describePhase(`${strategy.label} cart.get`, reads));
      const retried = retriedBy(caller) - retriedBefore;

      const check = await written.check(
        (sessionId) => caller.call(getCart, { sessionId }),
        settings.BENCH_CONCURRENCY,
      );
      log(
        `${strategy.label}: ${check.lines} acknowledged cart lines of ${check.sessions} sessions read back, ` +
          `${check.mismatches.length} differ`,
      );
      for (const m of check.mismatches.slice(0, 5)) {
        problems.push(
          `${strategy.label}: session ${m.sessionId} book ${m.bookId} holds ${String(m.found)}, ` +
            `last acknowledged write set ${m.expected}`,
        );
      }
      if (check.mismatches.length > 5)
        problems.push(`${strategy.label}: ${check.mismatches.length - 5} more cart lines differ`);
      results.push({ strategy: strategy.label, writes, reads, retried });

      if (strategy.key === 'everything' && settings.BENCH_LAG_SAMPLES > 0 && !interrupted) {
        const [writer, ...readers] = nodeIds;
        if (writer === undefined) throw new Error('no writer node');
        const running = cluster;
        lag = await measureReplicationLag({
          writerId: writer,
          writer: running.aimedAt(writer),
          readers: new Map(readers.map((nodeId) => [nodeId, running.aimedAt(nodeId)])),
          sessionIds,
          samples: settings.BENCH_LAG_SAMPLES,
          deadlineMs: LAG_DEADLINE_MS,
        });
        log(formatLag(lag, LAG_DEADLINE_MS).trimEnd());
      }

      const unclean = await cluster.stop();
      problems.push(...unclean.map((how) => `a cart node did not stop cleanly: ${how}`));
      cluster = undefined;
    }
    const benchSeconds = ((performance.now() - started) / 1000).toFixed(1);
    await cleanup();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);

    process.stdout.write(
      `\nCart datasets over the bus: 3 cart nodes (one process each) per strategy, both datasets (sessions, carts) ` +
        `shared that way; caller routes by the cart ring; ${phase.concurrency} calls in flight over ` +
        `${sessionIds.length} sessions, ${phase.durationMs} ms per phase after ${phase.warmupMs} ms warm-up, one ` +
        `round (compare ratios, not absolute figures across runs). cart.setItem also asks catalog.get of a ` +
        `stand-in. Baseline: bench.echo, one at-least-once bus round trip to a responder in the bench process, ` +
        `shown in both column groups. Run took ${seconds} s (${benchSeconds} s until the last measurement).\n\n`,
    );
    process.stdout.write(formatTable(baseline, results));
    if (lag !== undefined) process.stdout.write(`\n${formatLag(lag, LAG_DEADLINE_MS)}`);
    const failures = formatFailures(baseline, results);
    if (failures !== '') process.stdout.write(`\n${failures}`);
    if (problems.length > 0) process.stdout.write(`\n${problems.join('\n')}\n`);
    // Failed calls, writes never seen elsewhere, lost cart lines or nodes that would not stop make the figures
    // suspect: say so in the exit code too.
    const failedCalls = [baseline, ...results.flatMap((r) => [r.writes, r.reads])].some((m) => m.errors > 0);
    const lagFailed =
      lag !== undefined &&
      (lag.writeErrors > 0 || lag.nodes.some((node) => node.neverSeen + node.readErrors > 0));
    if (failedCalls || lagFailed || problems.length > 0) process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

cleanUpOnSignal('bench:data', {
  interrupt: () => {
    interrupted = true;
  },
  cleanup: () => cleanup?.(),
});
runBench('bench:data', main);
