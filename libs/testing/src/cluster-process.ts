// The local cluster as `npm start` runs it (deploy/local/cluster.ts under tsx), as one child process of the
// test: its output lines, the supervisor's events parsed from them, and a stop that leaves no node behind.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

/** Options of {@link spawnCluster}. */
export interface SpawnClusterOptions {
  /** The workspace root the runner starts in (its deploy/local/cluster.ts and blueprint are used). */
  readonly root: string;
  /** The runner's whole environment (nothing of the test runner's own leaks in), plus the run marker. */
  readonly env: Readonly<Record<string, string>>;
  /** Marks every process of this run, so a stop can find and kill leftovers. */
  readonly runId: string;
  /** Also copy the cluster's output to stderr as it comes (benchmarks' verbose mode). Default false. */
  readonly echo?: boolean;
}

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
  /**
   * Resolves once the process has exited (by itself or by `stop()`) and all its output is read. Unlike
   * `stop()`, it neither signals nor looks for nodes left behind (`livePids()` does).
   */
  readonly exited: Promise<Pick<ClusterExit, 'code' | 'signal'>>;
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
const RUN_MARKER = 'TRELLIS_CLUSTER_RUN';

/** Pids of live processes whose environment carries `RUN_MARKER=<runId>` (Linux /proc; empty elsewhere). */
function processesOfRun(runId: string): number[] {
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
 * Spawns `node --conditions=@trellis/source --import <tsx> deploy/local/cluster.ts` in `root`, exactly the
 * command of `deploy/local/start.sh`, with `env` as its whole environment plus the run marker. tsx is
 * resolved from `root`, so a copy of the workspace runs with its own dependencies.
 */
export function spawnCluster(options: SpawnClusterOptions): ClusterProcess {
  const { root, env, runId, echo = false } = options;
  const tsx = pathToFileURL(createRequire(resolve(root, 'package.json')).resolve('tsx')).href;
  const child = spawn(
    process.execPath,
    ['--conditions=@trellis/source', '--import', tsx, 'deploy/local/cluster.ts'],
    { cwd: root, env: { ...env, [RUN_MARKER]: runId }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('the cluster process did not start');

  const lines: Array<{ line: string; seenAt: number }> = [];
  const started: NodeStarted[] = [];
  const onLine = (line: string): void => {
    lines.push({ line, seenAt: Date.now() });
    // Trimmed in batches: dropping one line per line read would move every kept line each time, which a
    // benchmark at LOG_LEVEL=info would pay for in its own figures.
    if (lines.length > 2 * KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
    const event = parseNodeStarted(line);
    if (event) started.push(event);
    if (echo) process.stderr.write(`${line}\n`);
  };
  // Both pipes are always read: a full pipe would block the nodes' logging and with it the nodes.
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
  }

  let exit: Pick<ClusterExit, 'code' | 'signal'> | undefined;
  const exited = new Promise<Pick<ClusterExit, 'code' | 'signal'>>((resolveExit) => {
    // 'close' rather than 'exit': it comes once both pipes are drained, so the output is complete by then
    // (only the runner holds them: each node writes into pipes of the runner's own).
    child.once('close', (code, signal) => {
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
    exited,
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
