// Prints benchmark results as a Markdown table for people and one JSON line per row for tools.
import type { BenchmarkResult } from './runner';
import type { WorkloadInfo } from './workload';

/** The row a result is compared with. */
export interface Baseline {
  /** Short label printed in the report, e.g. 'raw durable'. */
  readonly label: string;
  /** `name` of the baseline workload; its figures at the same concurrency are the baseline. */
  readonly name: string;
}

/** Chooses the baseline of a row among all rows of the run; null for rows that are baselines only. */
export type Pairing = (row: WorkloadInfo, all: readonly WorkloadInfo[]) => Baseline | null;

/** One reported row, in the shape of its JSON line. */
export interface ReportRow {
  readonly bench: 'bus';
  readonly policy: WorkloadInfo['policy'];
  readonly implementation: WorkloadInfo['implementation'];
  readonly concurrency: number;
  readonly per_sec: number | null;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly baseline: string | null;
  readonly baseline_per_sec: number | null;
  readonly ratio: number | null;
}

const BASELINE_OF: Readonly<
  Record<WorkloadInfo['policy'], { label: string; of: Pick<WorkloadInfo, 'policy' | 'implementation'> }>
> = {
  'at-most-once': { label: 'raw transient', of: { policy: 'at-most-once', implementation: 'raw' } },
  'at-least-once': { label: 'raw durable', of: { policy: 'at-least-once', implementation: 'raw' } },
  'exactly-once': { label: 'bus at-least-once', of: { policy: 'at-least-once', implementation: 'bus' } },
};

/**
 * The standard pairing: bus at-most-once vs raw transient, bus at-least-once vs raw durable, bus
 * exactly-once vs bus at-least-once (the first row of that policy and implementation); raw rows have none.
 */
export const pairByPolicy: Pairing = (row, all) => {
  if (row.implementation === 'raw') return null;
  const { label, of } = BASELINE_OF[row.policy];
  const match = all.find((w) => w.policy === of.policy && w.implementation === of.implementation);
  return match ? { label, name: match.name } : null;
};

function round(value: number, digits: number): number | null {
  if (!Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Pairs every result with its baseline at the same concurrency and rounds the figures. */
export function buildReportRows(results: readonly BenchmarkResult[], pairing: Pairing): ReportRow[] {
  return results.map((result) => {
    const baseline = pairing(result, results);
    const base = baseline
      ? results.find((r) => r.name === baseline.name && r.concurrency === result.concurrency)
      : undefined;
    const ratio = base && base.perSec > 0 ? result.perSec / base.perSec : Number.NaN;
    return {
      bench: 'bus',
      policy: result.policy,
      implementation: result.implementation,
      concurrency: result.concurrency,
      per_sec: round(result.perSec, 1),
      p50_ms: round(result.p50Ms, 2),
      p99_ms: round(result.p99Ms, 2),
      baseline: baseline?.label ?? null,
      baseline_per_sec: base ? round(base.perSec, 1) : null,
      ratio: round(ratio, 2),
    };
  });
}

const cell = (value: number | string | null, digits = 0): string =>
  value === null ? '–' : typeof value === 'string' ? value : value.toFixed(digits);

/**
 * The report: a Markdown table (with the workload name, the baseline label and the failed-call count
 * beside the figures), the first error of each failing row, then one JSON line per row.
 */
export function formatReport(results: readonly BenchmarkResult[], pairing: Pairing): string {
  const rows = buildReportRows(results, pairing);
  const header = [
    'workload',
    'policy',
    'implementation',
    'concurrency',
    'calls/s',
    'p50 ms',
    'p99 ms',
    'baseline',
    'baseline calls/s',
    'ratio',
    'errors',
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i >= 3 && i !== 7 ? '---:' : '---')).join('|')}|`,
  ];
  rows.forEach((row, i) => {
    const result = results[i];
    lines.push(
      `| ${[
        result?.name ?? '',
        row.policy,
        row.implementation,
        String(row.concurrency),
        cell(row.per_sec),
        cell(row.p50_ms, 2),
        cell(row.p99_ms, 2),
        cell(row.baseline),
        cell(row.baseline_per_sec),
        cell(row.ratio, 2),
        String(result?.errors ?? 0),
      ].join(' | ')} |`,
    );
  });
  const failing = results.filter((r) => r.errors > 0);
  if (failing.length > 0) {
    lines.push('');
    for (const r of failing)
      lines.push(`- ${r.name} c=${r.concurrency}: ${r.errors} failed calls, first: ${r.firstError ?? '?'}`);
  }
  lines.push('');
  for (const row of rows) lines.push(JSON.stringify(row));
  return `${lines.join('\n')}\n`;
}

/** Writes `formatReport(results, pairing)` to `out` (stdout by default). */
export function printReport(
  results: readonly BenchmarkResult[],
  pairing: Pairing,
  out: NodeJS.WritableStream = process.stdout,
): void {
  out.write(formatReport(results, pairing));
}
