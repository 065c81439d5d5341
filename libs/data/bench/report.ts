// The data bench's report: one table (a row per sharing strategy, the bare bus call first) and the lag line.
import type { PhaseMeasurement } from './closed-loop';
import type { LagMeasurement } from './replication-lag';

/** The figures of one strategy. */
export interface StrategyResult {
  readonly strategy: string;
  readonly writes: PhaseMeasurement;
  readonly reads: PhaseMeasurement;
  /** Attempts the caller's bus retried in both phases (e.g. `data.not_owner` while a ring settles). */
  readonly retried: number;
}

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';
const latencies = (m: PhaseMeasurement): string => `${fixed(m.p50Ms, 2)} / ${fixed(m.p99Ms, 2)}`;
const share = (value: number, baseline: number): string =>
  baseline > 0 && Number.isFinite(value) ? `${((100 * value) / baseline).toFixed(0)}%` : '–';

/** The table: the baseline's one measurement stands in both the write and the read columns of its row. */
export function formatTable(baseline: PhaseMeasurement, results: readonly StrategyResult[]): string {
  const header = [
    'strategy',
    'write/s',
    'write p50/p99 ms',
    'read/s',
    'read p50/p99 ms',
    'vs baseline (w / r)',
  ];
  const rows = [
    [
      'bare bus call (bench.echo)',
      fixed(baseline.perSec, 0),
      latencies(baseline),
      fixed(baseline.perSec, 0),
      latencies(baseline),
      '100% / 100%',
    ],
    ...results.map((r) => [
      r.strategy,
      fixed(r.writes.perSec, 0),
      latencies(r.writes),
      fixed(r.reads.perSec, 0),
      latencies(r.reads),
      `${share(r.writes.perSec, baseline.perSec)} / ${share(r.reads.perSec, baseline.perSec)}`,
    ]),
  ];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}

/** The lag line: p50/p99 at each reading node, and what was not seen in time or failed. */
export function formatLag(lag: LagMeasurement, deadlineMs: number): string {
  const parts = lag.nodes.map(
    (node) =>
      `${node.nodeId} p50 ${fixed(node.p50Ms, 2)} ms, p99 ${fixed(node.p99Ms, 2)} ms, max ${fixed(node.maxMs, 2)} ms ` +
      `(${node.samples} samples, ${node.atFirstRead} visible at the first read` +
      `${node.neverSeen > 0 ? `, ${node.neverSeen} NOT visible within ${deadlineMs} ms` : ''}` +
      `${node.readErrors > 0 ? `, ${node.readErrors} failed reads` : ''})`,
  );
  const failed = lag.writeErrors > 0 ? `; ${lag.writeErrors} writes failed and were skipped` : '';
  const first = lag.firstError === undefined ? '' : ` (first failure: ${lag.firstError})`;
  return (
    `Replication lag, share-everything, write acknowledged by ${lag.writer} → visible on: ` +
    `${parts.join('; ')}${failed}${first}\n`
  );
}

/** One line per row whose calls failed or were retried; empty when none were. */
export function formatFailures(baseline: PhaseMeasurement, results: readonly StrategyResult[]): string {
  const lines: string[] = [];
  const describe = (label: string, m: PhaseMeasurement): void => {
    if (m.errors > 0) lines.push(`${label}: ${m.errors} failed calls (first: ${m.firstError ?? '?'})`);
  };
  describe('bare bus call', baseline);
  for (const r of results) {
    describe(`${r.strategy} writes`, r.writes);
    describe(`${r.strategy} reads`, r.reads);
    if (r.retried > 0) lines.push(`${r.strategy}: the caller retried ${r.retried} attempts`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
