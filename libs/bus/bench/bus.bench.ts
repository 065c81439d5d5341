// Request/reply benchmark of the bus against raw amqplib: `npm run bench:bus`.
// Settings (environment): BENCH_DURATION_MS, BENCH_ROUNDS, BENCH_CONCURRENCY (comma list), BENCH_WARMUP_MS.
// It runs in a vhost and a Postgres schema of its own on the local services, and removes both afterwards.
import { z } from 'zod';
import {
  createPgSchema,
  createRabbitVhost,
  readBenchSettings,
  runBench,
  stopAllNodeProcesses,
} from '@trellis/testing';
import { createBusWorkloads } from './bus-workload';
import { createRawDurableWorkload, createRawTransientWorkload } from './raw-amqplib';
import { printReport, pairByPolicy } from './report';
import { runBenchmark } from './runner';
import type { Measurement } from './runner';
import type { Workload } from './workload';

const positiveInt = z.coerce.number().int().positive();

const settingsSchema = z.object({
  BENCH_DURATION_MS: positiveInt.default(2500),
  BENCH_ROUNDS: positiveInt.default(3),
  BENCH_WARMUP_MS: z.coerce.number().int().nonnegative().default(500),
  BENCH_CONCURRENCY: z
    .string()
    .default('1,64')
    .transform((list) => list.split(',').map((item) => Number(item.trim())))
    .pipe(z.array(z.number().int().positive()).min(1)),
});

function progress(m: Measurement): void {
  const errors = m.errors + m.warmupErrors > 0 ? `, ${m.errors} errors (+${m.warmupErrors} in warm-up)` : '';
  process.stderr.write(
    `  c=${m.concurrency} round ${m.round} ${m.name}: ${m.perSec.toFixed(0)}/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms${errors}\n`,
  );
}

async function main(): Promise<void> {
  const settings = readBenchSettings(settingsSchema);
  const vhost = await createRabbitVhost('bench');
  const pg = await createPgSchema('bench');
  const workloads: Workload[] = [
    createRawTransientWorkload(vhost.url),
    createRawDurableWorkload(vhost.url),
    ...createBusWorkloads({ amqpUrl: vhost.url, pgUrl: pg.connectionString, pgSchema: pg.schema }),
  ];
  const started = performance.now();
  const results = await runBenchmark(workloads, {
    concurrencies: settings.BENCH_CONCURRENCY,
    rounds: settings.BENCH_ROUNDS,
    durationMs: settings.BENCH_DURATION_MS,
    warmupMs: settings.BENCH_WARMUP_MS,
    onMeasurement: progress,
  }).finally(async () => {
    await stopAllNodeProcesses();
    await pg.drop();
    await vhost.delete();
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `\nRequest/reply, tiny JSON payload, closed loop; median of ${settings.BENCH_ROUNDS} interleaved rounds of ` +
      `${settings.BENCH_DURATION_MS} ms (after ${settings.BENCH_WARMUP_MS} ms warm-up each); run took ${seconds} s.\n` +
      'Single-node broker: quorum queues replicate nothing here, so durable figures are fsync and confirms only.\n\n',
  );
  printReport(results, pairByPolicy);
  // Failed calls make the figures suspect: say so in the exit code too.
  if (results.some((r) => r.errors > 0)) process.exitCode = 1;
}

runBench('bench:bus', main);
