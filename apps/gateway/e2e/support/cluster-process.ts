// The local cluster as `npm start` runs it (deploy/local/cluster.ts under tsx), as one child process of the
// test: its output lines, the supervisor's events parsed from them, and a stop that leaves no node behind.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

/** The repository root, where `npm start` runs the cluster from. */
export const repoRoot = resolve(__dirname, '../../../..');

/** A `node started` line of the supervisor (logged at info). */
export interface NodeStarted {
  readonly node: string;
  readonly nodePid: number;
  readonly restarts: number;
  /** When the test process read the line (Date.now()). */
  readonly seenAt: number;
}

/** How the cluster process ended. */
export interface ClusterExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when it did not stop within the deadline after SIGINT and was killed. */
  readonly killed: boolean;
  /** Node processes of this run still alive after the cluster exited (they were then SIGKILLed). */
  readonly leftoverPids: readonly number[];
}

/** A running cluster process. */
export interface ClusterProcess {
  readonly pid: number;
  /** Every `node started` line so far, oldest first. */
  readonly started: readonly NodeStarted[];
  /** The last lines of output (stdout and stderr interleaved as read), for failure messages. */
  tail(lines?: number): string;
  /** The first kept output line at or after `since` (Date.now()) that matches, with when it was read. */
  findLine(matches: (line: string) => boolean, since: number): { line: string; seenAt: number } | undefined;
  /** Pids of the live processes of this run: the supervisor and every node (Linux /proc). */
  livePids(): number[];
  /** Set once the process has exited. */
  readonly exitedEarly: () => boolean;
  /** SIGINT, wait up to `timeoutMs` for the exit, else SIGKILL; then kills and reports any node left. */
  stop(timeoutMs?: number): Promise<ClusterExit>;
}

const KEPT_LINES = 20_000;

/** The environment variable that marks every process of one run, so leftovers can be found by it. */
const RUN_MARKER = 'TRELLIS_E2E_RUN';

/** Pids of live processes whose environment carries `RUN_MARKER=<runId>` (Linux /proc; empty elsewhere). */
export function processesOfRun(runId: string): number[] {
  const needle = `\0${RUN_MARKER}=${runId}\0`;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = `\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}`;
      if (environ.includes(needle)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

function parseNodeStarted(line: string): NodeStarted | undefined {
  if (!line.startsWith('{') || !line.includes('"node started"')) return undefined;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (entry['msg'] !== 'node started') return undefined;
    const { node, nodePid, restarts } = entry;
    if (typeof node !== 'string' || typeof nodePid !== 'number' || typeof restarts !== 'number')
      return undefined;
    return { node, nodePid, restarts, seenAt: Date.now() };
  } catch {
    return undefined;
  }
}

/**
 * Spawns `node --conditions=@trellis/source --import <tsx> deploy/local/cluster.ts` in the repository root,
 * exactly the command of `deploy/local/start.sh`, with `env` as its whole environment plus the run marker.
 */
export function spawnCluster(env: Record<string, string>, runId: string): ClusterProcess {
  const tsx = pathToFileURL(createRequire(resolve(repoRoot, 'package.json')).resolve('tsx')).href;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@trellis/source', '--import', tsx, 'deploy/local/cluster.ts'],
    { cwd: repoRoot, env: { ...env, [RUN_MARKER]: runId }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('the cluster process did not start');

  const lines: Array<{ line: string; seenAt: number }> = [];
  const started: NodeStarted[] = [];
  const onLine = (line: string): void => {
    lines.push({ line, seenAt: Date.now() });
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
    const event = parseNodeStarted(line);
    if (event) started.push(event);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
  }

  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolveExit(exit);
    });
  });

  let stopping: Promise<ClusterExit> | undefined;
  const stop = async (timeoutMs: number): Promise<ClusterExit> => {
    let killed = false;
    if (exit === undefined) child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolveDeadline) => {
      timer = setTimeout(() => resolveDeadline('deadline'), timeoutMs);
    });
    const first = await Promise.race([exited, deadline]);
    clearTimeout(timer);
    if (first === 'deadline') {
      killed = true;
      child.kill('SIGKILL');
    }
    const { code, signal } = await exited;
    // Nodes run in process groups of their own, so a killed supervisor leaves them running.
    const leftoverPids = processesOfRun(runId);
    for (const leftover of leftoverPids) {
      try {
        process.kill(leftover, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    return { code, signal, killed, leftoverPids };
  };

  return {
    pid,
    started,
    tail: (count = 60) =>
      lines
        .slice(-count)
        .map((entry) => entry.line)
        .join('\n'),
    findLine: (matches, since) => lines.find((entry) => entry.seenAt >= since && matches(entry.line)),
    livePids: () => processesOfRun(runId),
    exitedEarly: () => exit !== undefined,
    stop: (timeoutMs = 30_000) => (stopping ??= stop(timeoutMs)),
  };
}
