// HTTP load through autocannon's programmatic API: a warm-up run whose figures are dropped (its failures
// are still counted), then the measured run.
import autocannon from 'autocannon';

/** What to load: one base URL and the requests autocannon cycles through on each connection. */
export interface LoadTarget {
  readonly route: string;
  readonly url: string;
  readonly requests: autocannon.Request[];
}

/** How to load it. */
export interface LoadSettings {
  readonly connections: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

/** The figures of one route. */
export interface LoadMeasurement {
  readonly route: string;
  /** 2xx responses per second of the measured run: failed requests do not count as throughput. */
  readonly perSec: number;
  /** Latency percentiles of every response (2xx or not) of the measured run. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ok: number;
  readonly non2xx: number;
  /** Connection errors and timeouts (autocannon counts a timeout as an error too). */
  readonly errors: number;
  readonly timeouts: number;
  /** Status code → count, non-2xx only, of the measured run. */
  readonly failedStatuses: Readonly<Record<string, number>>;
  readonly warmupNon2xx: number;
  readonly warmupErrors: number;
  readonly durationS: number;
}

let current: autocannon.Instance | undefined;

/** Stops the run in progress, if any (its result then covers the time it ran). */
export function stopLoad(): void {
  current?.stop();
}

function run(target: LoadTarget, connections: number, durationMs: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    current = autocannon(
      {
        url: target.url,
        connections,
        duration: durationMs / 1000,
        timeout: 10,
        requests: target.requests,
      },
      (error, result) => {
        current = undefined;
        if (error) reject(error);
        else resolve(result);
      },
    );
  });
}

function non2xxStatuses(result: autocannon.Result): Record<string, number> {
  return Object.fromEntries(
    Object.entries(result.statusCodeStats)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, { count }]) => [code, count]),
  );
}

/** Warms `target` up, then measures it. */
export async function measure(target: LoadTarget, settings: LoadSettings): Promise<LoadMeasurement> {
  const warmup =
    settings.warmupMs > 0 ? await run(target, settings.connections, settings.warmupMs) : undefined;
  const result = await run(target, settings.connections, settings.durationMs);
  return {
    route: target.route,
    perSec: result.duration > 0 ? result['2xx'] / result.duration : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    failedStatuses: non2xxStatuses(result),
    warmupNon2xx: warmup?.non2xx ?? 0,
    warmupErrors: warmup?.errors ?? 0,
    durationS: result.duration,
  };
}
