// Closed-loop runner of the request/reply benchmark: interleaved rounds, median round by throughput.
import { performance } from 'node:perf_hooks';
import type { Workload, WorkloadInfo } from './workload';

/** How long and how hard to drive the workloads. */
export interface BenchmarkOptions {
  /** Calls in flight per workload, one closed-loop worker each, e.g. [1, 64]. */
  readonly concurrencies: readonly number[];
  /** Measurements per workload and concurrency; the median one by throughput is reported. */
  readonly rounds: number;
  /** Length of one measurement. */
  readonly durationMs: number;
  /** Unrecorded closed-loop run before each measurement, at the same concurrency. */
  readonly warmupMs: number;
  /** A call not settled after this long counts as an error, so a lost reply cannot hang the run. Default 10 000. */
  readonly callTimeoutMs?: number;
  /** Called after each measurement (for progress output). */
  readonly onMeasurement?: (measurement: Measurement) => void;
}

/** One measurement: one workload, one concurrency, one round. */
export interface Measurement extends WorkloadInfo {
  readonly concurrency: number;
  readonly round: number;
  readonly calls: number;
  readonly errors: number;
  /** Failed calls in the warm-up before this measurement (not in `errors`, but never dropped). */
  readonly warmupErrors: number;
  /** First error seen in this measurement or its warm-up, if any. */
  readonly firstError: string | undefined;
  readonly elapsedMs: number;
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The reported figures of one workload at one concurrency: those of its median round by throughput. */
export interface BenchmarkResult extends WorkloadInfo {
  readonly concurrency: number;
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Failed calls summed over all rounds, their warm-ups included. */
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly rounds: readonly Measurement[];
}

class CallTimeoutError extends Error {
  constructor(ms: number) {
    super(`call not settled within ${ms} ms`);
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeoutError(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Nearest-rank percentile of an ascending array; NaN when empty. Sorting is fine at these sizes (≤ ~50k). */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

interface LoopOutcome {
  readonly latencies: number[];
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly elapsedMs: number;
}

/**
 * `concurrency` workers call back-to-back until `durationMs` has passed; each then finishes its call in
 * flight, so the loop ends with nothing outstanding and the elapsed time covers every counted call.
 */
async function closedLoop(
  workload: Workload,
  concurrency: number,
  durationMs: number,
  callTimeoutMs: number,
): Promise<LoopOutcome> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await withTimeout(workload.call(), callTimeoutMs);
        latencies.push(performance.now() - t0);
      } catch (error: unknown) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, errors, firstError, elapsedMs: performance.now() - start };
}

function measure(
  info: WorkloadInfo,
  concurrency: number,
  round: number,
  loop: LoopOutcome,
  warmup: LoopOutcome | undefined,
): Measurement {
  const sorted = Float64Array.from(loop.latencies).sort();
  return {
    name: info.name,
    policy: info.policy,
    implementation: info.implementation,
    concurrency,
    round,
    calls: sorted.length,
    errors: loop.errors,
    warmupErrors: warmup?.errors ?? 0,
    firstError: warmup?.firstError ?? loop.firstError,
    elapsedMs: loop.elapsedMs,
    perSec: (sorted.length * 1000) / loop.elapsedMs,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

/** The median round by throughput; with an even count, the lower of the two middle ones. */
function medianRound(rounds: readonly Measurement[]): Measurement {
  const byThroughput = [...rounds].sort((a, b) => a.perSec - b.perSec);
  const median = byThroughput[Math.floor((byThroughput.length - 1) / 2)];
  if (!median) throw new Error('no rounds measured');
  return median;
}

/**
 * Sets every workload up once, then for each concurrency runs round 1 of every workload, round 2 of every
 * workload, and so on (interleaved, so drift on the machine hits all rows alike), and tears every workload
 * down at the end (in reverse order), also when a setup or a round throws. Failed calls are counted, not thrown.
 * Returns one result per workload and concurrency, in concurrency order, then workload order.
 */
export async function runBenchmark(
  workloads: readonly Workload[],
  options: BenchmarkOptions,
): Promise<BenchmarkResult[]> {
  const names = new Set(workloads.map((w) => w.name));
  if (names.size !== workloads.length) throw new Error('workload names must be unique');
  if (options.rounds < 1 || options.durationMs <= 0 || options.concurrencies.some((c) => c < 1)) {
    throw new Error('rounds and concurrencies must be ≥ 1 and durationMs > 0');
  }
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;

  // A workload whose setup threw is torn down too (it may have started its responder already), so
  // teardown() must cope with a partial setup.
  const started: Workload[] = [];
  try {
    for (const workload of workloads) {
      started.push(workload);
      await workload.setup();
    }

    const results: BenchmarkResult[] = [];
    for (const concurrency of options.concurrencies) {
      const rounds = new Map<Workload, Measurement[]>(workloads.map((w) => [w, []]));
      for (let round = 1; round <= options.rounds; round++) {
        for (const workload of workloads) {
          const warmup =
            options.warmupMs > 0
              ? await closedLoop(workload, concurrency, options.warmupMs, callTimeoutMs)
              : undefined;
          const loop = await closedLoop(workload, concurrency, options.durationMs, callTimeoutMs);
          const measurement = measure(workload, concurrency, round, loop, warmup);
          rounds.get(workload)?.push(measurement);
          options.onMeasurement?.(measurement);
        }
      }
      for (const workload of workloads) {
        const measured = rounds.get(workload) ?? [];
        const median = medianRound(measured);
        results.push({
          name: workload.name,
          policy: workload.policy,
          implementation: workload.implementation,
          concurrency,
          perSec: median.perSec,
          p50Ms: median.p50Ms,
          p99Ms: median.p99Ms,
          errors: measured.reduce((sum, m) => sum + m.errors + m.warmupErrors, 0),
          firstError: measured.find((m) => m.firstError !== undefined)?.firstError,
          rounds: measured,
        });
      }
    }
    return results;
  } finally {
    const failures: string[] = [];
    for (const workload of started.reverse()) {
      try {
        await workload.teardown();
      } catch (error: unknown) {
        failures.push(`${workload.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) process.stderr.write(`teardown failed: ${failures.join('; ')}\n`);
  }
}
