// Prints the gateway bench's results as a Markdown table for people and one JSON line per row for tools.
import type { LoadMeasurement } from './load';

/** One row's JSON line, exactly these keys. */
export interface GatewayReportRow {
  readonly bench: 'gateway';
  readonly route: string;
  readonly per_sec: number | null;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly baseline_per_sec: number | null;
  readonly ratio: number | null;
}

function round(value: number, digits: number): number | null {
  if (!Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Every row compared with the baseline row (the bare hello-world), which is compared with itself. */
export function buildReportRows(
  rows: readonly LoadMeasurement[],
  baseline: LoadMeasurement,
): GatewayReportRow[] {
  return rows.map((row) => ({
    bench: 'gateway',
    route: row.route,
    per_sec: round(row.perSec, 1),
    p50_ms: round(row.p50Ms, 2),
    p99_ms: round(row.p99Ms, 2),
    baseline_per_sec: round(baseline.perSec, 1),
    ratio: round(baseline.perSec > 0 ? row.perSec / baseline.perSec : Number.NaN, 3),
  }));
}

const cell = (value: number | null, digits = 0): string => (value === null ? '–' : value.toFixed(digits));

/** The table, a line per row that had failures (status codes, warm-up failures), then the JSON lines. */
export function formatReport(rows: readonly LoadMeasurement[], baseline: LoadMeasurement): string {
  const report = buildReportRows(rows, baseline);
  const header = ['route', 'req/s (2xx)', 'p50 ms', 'p99 ms', 'baseline req/s', 'ratio', 'non-2xx', 'errors'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|---|${header
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
  ];
  report.forEach((row, i) => {
    const m = rows[i];
    lines.push(
      `| ${[
        row.route,
        cell(row.per_sec),
        cell(row.p50_ms, 2),
        cell(row.p99_ms, 2),
        cell(row.baseline_per_sec),
        cell(row.ratio, 3),
        String(m?.non2xx ?? 0),
        String(m?.errors ?? 0),
      ].join(' | ')} |`,
    );
  });
  const notes = rows
    .filter((m) => m.non2xx + m.errors + m.warmupNon2xx + m.warmupErrors > 0)
    .map(
      (m) =>
        `- ${m.route}: ${m.non2xx} non-2xx ${JSON.stringify(m.failedStatuses)}, ${m.errors} errors ` +
        `(${m.timeouts} timeouts); warm-up: ${m.warmupNon2xx} non-2xx, ${m.warmupErrors} errors`,
    );
  if (notes.length > 0) lines.push('', ...notes);
  lines.push('', ...report.map((row) => JSON.stringify(row)));
  return `${lines.join('\n')}\n`;
}
