// Closed-loop load for the data bench: a fixed number of calls in flight, each worker calling back-to-back
// until the phase's time is up; latencies of the calls that succeeded, failures counted by message.
// (The bus bench has its own runner, but a lib imports another project's bench code by no route.)
import { performance } from 'node:perf_hooks';

/** What one phase measured. */
export interface PhaseMeasurement {
  readonly calls: number;
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Failed calls, the warm-up's included. */
  readonly errors: number;
  /** The first failure seen, warm-up included. */
  readonly firstError: string | undefined;
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

interface Loop {
  latencies: number[];
  errors: number;
  firstError: string | undefined;
  elapsedMs: number;
}

async function loop(
  call: (worker: number) => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<Loop> {
  const outcome: Loop = { latencies: [], errors: 0, firstError: undefined, elapsedMs: 0 };
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async (_: unknown, index: number): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        // Every call is bounded by its contract's timeout and retries, so a lost reply cannot hang the phase.
        await call(index);
        outcome.latencies.push(performance.now() - t0);
      } catch (error: unknown) {
        outcome.errors += 1;
        outcome.firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // Each worker finished its last call: the elapsed time covers every counted call.
  outcome.elapsedMs = performance.now() - start;
  return outcome;
}

/**
 * Runs `call` with `concurrency` in flight: `warmupMs` unrecorded, then `durationMs` measured. Each of the
 * `concurrency` workers passes its index (0 to concurrency − 1) and calls once at a time.
 */
export async function measurePhase(
  call: (worker: number) => Promise<unknown>,
  options: { concurrency: number; durationMs: number; warmupMs: number },
): Promise<PhaseMeasurement> {
  const warmup = options.warmupMs > 0 ? await loop(call, options.concurrency, options.warmupMs) : undefined;
  const measured = await loop(call, options.concurrency, options.durationMs);
  const sorted = Float64Array.from(measured.latencies).sort();
  return {
    calls: sorted.length,
    perSec: (sorted.length * 1000) / measured.elapsedMs,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    errors: measured.errors + (warmup?.errors ?? 0),
    firstError: warmup?.firstError ?? measured.firstError,
  };
}

/**
 * Runs `task` for every item with at most `concurrency` at once; resolves once all have finished. (p-limit is
 * not a declared dependency of the workspace, and this is all the bench needs of it.)
 */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
