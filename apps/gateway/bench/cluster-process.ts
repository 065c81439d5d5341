// The cluster under test, started the way `npm start` starts it (deploy/local/cluster.ts reading
// deploy/blueprint.yaml) as one child process, and stopped with SIGINT like Ctrl-C would.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The running cluster. */
export interface ClusterProcess {
  readonly pid: number;
  /** Resolves with the exit code (or signal) once the cluster process has exited. */
  readonly exited: Promise<string>;
  /** The last lines the cluster and its nodes wrote (the runner prefixes each with the node id). */
  tail(lines?: number): string;
  /**
   * SIGINT, then waits up to `graceMs` for every node to stop; past that, SIGKILL to the runner and to
   * every node process it had started. Safe to call more than once.
   */
  stop(graceMs: number): Promise<void>;
}

const TAIL_LINES = 400;

interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields after its last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return { pid, ppid: Number(fields[1]), cmdline };
  } catch {
    return undefined; // gone, or not Linux
  }
}

/**
 * Every live descendant of `root`. The supervisor starts each node in a process group of its own
 * (`detached`), so signalling the runner's group would not reach them: they are found by parent id.
 */
function descendantsOf(root: number): ProcessInfo[] {
  let all: ProcessInfo[];
  try {
    all = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map((name) => readProcess(Number(name)))
      .filter((info): info is ProcessInfo => info !== undefined);
  } catch {
    return [];
  }
  const found: ProcessInfo[] = [];
  const parents = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const info of all) {
      if (parents.has(info.ppid) && !parents.has(info.pid)) {
        parents.add(info.pid);
        found.push(info);
        grew = true;
      }
    }
  }
  return found;
}

/** SIGKILL to each process that is still the same process (same command line) as when it was listed. */
function killSurvivors(processes: readonly ProcessInfo[]): number {
  let killed = 0;
  for (const info of processes) {
    if (readProcess(info.pid)?.cmdline !== info.cmdline) continue;
    try {
      process.kill(info.pid, 'SIGKILL');
      killed += 1;
    } catch {
      // exited meanwhile
    }
  }
  return killed;
}

/** Starts the cluster runner from `root` with `env` merged over this process's environment. */
export function startCluster(root: string, env: Record<string, string>, verbose: boolean): ClusterProcess {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@trellis/source',
      '--import',
      pathToFileURL(require.resolve('tsx')).href,
      join(root, 'deploy/local/cluster.ts'),
    ],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    for (const line of text.split('\n')) if (line !== '') lines.push(line);
    if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
    if (verbose) process.stderr.write(text);
  };
  // Always read both pipes: a full pipe would block the nodes' logging and with it the nodes.
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  let alive = true;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      resolve(signal !== null ? `signal ${signal}` : `code ${String(code)}`);
    });
    child.once('error', (error) => {
      alive = false;
      resolve(`spawn failed: ${error.message}`);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs: number): Promise<void> => {
    stopping ??= (async () => {
      if (!alive || child.pid === undefined) return;
      const nodes = descendantsOf(child.pid);
      child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!inTime) {
        nodes.push(...descendantsOf(child.pid));
        child.kill('SIGKILL');
        await exited;
      }
      // After a graceful stop this finds nothing; after a forced one it ends the orphaned nodes.
      const killed = killSurvivors(nodes);
      if (!inTime || killed > 0) {
        process.stderr.write(
          `cluster did not stop within ${graceMs} ms of SIGINT: killed the runner and ${killed} node process(es)\n`,
        );
      }
    })();
    return stopping;
  };

  return {
    pid: child.pid ?? -1,
    exited,
    tail: (count = 40) => lines.slice(-count).join('\n'),
    stop,
  };
}
