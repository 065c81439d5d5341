// An OTP-style supervisor for a local cluster: each node is a child process, restarted one-for-one with a
// growing delay when it exits on its own, until the restart intensity says restarting is not helping.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

import type { Logger } from 'pino';
import { pino } from 'pino';

import type { NodeType } from './blueprint-schema';
import { forwardLines, writeToProcessStreams } from './child-output';
import type { OutputSink } from './child-output';
import { RestartBackoff } from './restart-backoff';
import type { RestartBackoffOptions } from './restart-backoff';
import { RestartIntensity } from './restart-intensity';

/** How to start one node. */
export interface ChildSpec {
  /** The node id, unique in the cluster (`cart-2`); it prefixes the node's output. */
  readonly id: string;
  /** The node family (`cart`). */
  readonly family: string;
  readonly nodeType: NodeType;
  readonly command: string;
  readonly args: readonly string[];
  /** Merged over the supervisor's environment; NODE_ID, NODE_FAMILY and NODE_TYPE are set on top. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** OTP's restart intensity: more than `maxRestarts` restarts within `periodMs` and the supervisor gives up. */
export interface RestartIntensityOptions {
  readonly maxRestarts: number;
  readonly periodMs: number;
}

/** Options of {@link Supervisor}; every field but `children` has a default. */
export interface SupervisorOptions {
  readonly children: readonly ChildSpec[];
  /** Delay before restarting a crashed child; 100 ms doubling up to 5 s by default. */
  readonly backoff?: RestartBackoffOptions;
  /** 10 restarts within 30 s by default. */
  readonly intensity?: RestartIntensityOptions;
  /** A child that ran this long before exiting restarts with the initial delay again; 10 s by default. */
  readonly stableAfterMs?: number;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL; 10 s by default. */
  readonly stopTimeoutMs?: number;
  /** Where the children's prefixed output lines go; this process's stdout and stderr by default. */
  readonly output?: OutputSink;
  readonly logger?: Logger;
  /** The environment the children inherit; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A child process has started (`restarts` is 0 for the first start). */
export interface ChildStartedEvent {
  readonly id: string;
  readonly pid: number;
  readonly restarts: number;
}

/** A child process has exited; exactly one of `code` and `signal` is set, or neither when it never ran. */
export interface ChildExitedEvent {
  readonly id: string;
  readonly pid: number | undefined;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the supervisor will start it again after this many milliseconds. */
  readonly restartInMs: number | undefined;
}

/** The restart intensity was exceeded: the supervisor is stopping every child. */
export interface GaveUpEvent {
  readonly message: string;
}

/** The events a {@link Supervisor} emits. */
export type SupervisorEvents = {
  'child-started': [ChildStartedEvent];
  'child-exited': [ChildExitedEvent];
  'gave-up': [GaveUpEvent];
};

/** How a supervisor ended: stopped on request, or gave up after too many restarts. */
export type SupervisorOutcome =
  { readonly outcome: 'stopped' } | { readonly outcome: 'gave-up'; readonly message: string };

/** A child as the supervisor sees it at one moment. */
export interface ChildStatus {
  readonly id: string;
  /** The pid of the running process; undefined while it waits to be restarted or after the stop. */
  readonly pid: number | undefined;
  readonly restarts: number;
}

interface RunningProcess {
  readonly process: ChildProcess;
  readonly startedAt: number;
  readonly exited: Promise<void>;
}

interface SupervisedChild {
  readonly spec: ChildSpec;
  readonly backoff: RestartBackoff;
  restarts: number;
  running: RunningProcess | undefined;
  restartTimer: NodeJS.Timeout | undefined;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `signal ${signal}`;
  return code === null ? 'a failure to start' : `code ${code}`;
}

/**
 * Sends `signal` to the child's process group (each child leads its own, see `launch`), so a node started
 * through a wrapper (a shell, npx) goes with everything it started. Returns false when nothing was there.
 */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs child processes and restarts each one that exits on its own, one-for-one: only that child, after a
 * delay that doubles with each successive crash. Children are permanent in OTP's terms (a node is never
 * meant to exit by itself, so a clean exit is restarted too). When more restarts than the intensity allows
 * happen within its period, the supervisor gives up: it stops every child and `done` resolves with
 * `gave-up`. `stop()` ends the children gracefully: SIGTERM, then SIGKILL at the deadline.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  /** Resolves once every child has exited after `stop()` or after giving up. */
  readonly done: Promise<SupervisorOutcome>;

  private readonly children: SupervisedChild[];
  private readonly intensity: RestartIntensity;
  private readonly stableAfterMs: number;
  private readonly stopTimeoutMs: number;
  private readonly output: OutputSink;
  private readonly logger: Logger;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private stopping: Promise<void> | undefined;
  private gaveUpWith: string | undefined;
  private resolveDone: (outcome: SupervisorOutcome) => void = () => undefined;

  constructor(options: SupervisorOptions) {
    super();
    const ids = new Set<string>();
    for (const spec of options.children) {
      if (ids.has(spec.id)) throw new Error(`two children have the id ${spec.id}`);
      ids.add(spec.id);
    }
    const backoff = options.backoff ?? { initialDelayMs: 100, maxDelayMs: 5_000 };
    this.children = options.children.map((spec) => ({
      spec,
      backoff: new RestartBackoff(backoff),
      restarts: 0,
      running: undefined,
      restartTimer: undefined,
    }));
    const intensity = options.intensity ?? { maxRestarts: 10, periodMs: 30_000 };
    this.intensity = new RestartIntensity(intensity.maxRestarts, intensity.periodMs);
    this.stableAfterMs = options.stableAfterMs ?? 10_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.output = options.output ?? writeToProcessStreams;
    this.logger = options.logger ?? pino({ name: 'supervisor', level: process.env['LOG_LEVEL'] ?? 'info' });
    this.env = options.env ?? process.env;
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Starts every child; listen for `child-started` to learn their pids. Throws when called twice. */
  start(): void {
    if (this.state !== 'idle') throw new Error(`the supervisor cannot start: it is ${this.state}`);
    this.state = 'running';
    for (const child of this.children) this.launch(child);
  }

  /**
   * Stops every child: SIGTERM now, SIGKILL to those still running after `stopTimeoutMs`. Resolves once all
   * have exited. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /** Each child's id, current pid and restart count, in spec order. */
  status(): ChildStatus[] {
    return this.children.map((child) => ({
      id: child.spec.id,
      pid: child.running?.process.pid,
      restarts: child.restarts,
    }));
  }

  private launch(child: SupervisedChild): void {
    const { spec } = child;
    const proc = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: {
        ...this.env,
        ...spec.env,
        NODE_ID: spec.id,
        NODE_FAMILY: spec.family,
        NODE_TYPE: spec.nodeType,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: the supervisor signals the whole group, and a Ctrl-C in the terminal
      // reaches only the supervisor, which then stops the nodes itself, in order and with a deadline.
      detached: true,
    });
    let resolveExited: () => void = () => undefined;
    const running: RunningProcess = {
      process: proc,
      startedAt: Date.now(),
      exited: new Promise<void>((resolve) => {
        resolveExited = resolve;
      }),
    };
    child.running = running;
    forwardLines(proc.stdout, spec.id, 'stdout', this.output);
    forwardLines(proc.stderr, spec.id, 'stderr', this.output);

    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (ended) return;
      ended = true;
      resolveExited();
      this.onExit(child, running, code, signal);
    };
    proc.once('spawn', () => {
      const pid = proc.pid ?? -1;
      this.logger.info({ node: spec.id, nodePid: pid, restarts: child.restarts }, 'node started');
      this.emit('child-started', { id: spec.id, pid, restarts: child.restarts });
    });
    proc.on('error', (error) => {
      this.logger.error({ node: spec.id, err: error }, 'node process error');
      // Without a pid the process never started and there will be no 'exit' event.
      if (proc.pid === undefined) end(null, null);
    });
    // 'close' rather than 'exit': it comes once the output pipes are drained too, so a node's last lines
    // are passed on before its exit is reported (and before `stop()` resolves).
    proc.once('close', end);
  }

  private onExit(
    child: SupervisedChild,
    running: RunningProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (child.running !== running) return;
    child.running = undefined;
    const { id } = child.spec;
    const pid = running.process.pid;

    if (this.state !== 'running') {
      this.logger.info({ node: id, nodePid: pid, code, signal }, 'node stopped');
      this.emit('child-exited', { id, pid, code, signal, restartInMs: undefined });
      return;
    }

    // What the node left behind (children of a wrapper) goes with it before the restart.
    signalGroup(pid, 'SIGKILL');
    const now = Date.now();
    if (now - running.startedAt >= this.stableAfterMs) child.backoff.reset();
    if (!this.intensity.record(now)) {
      this.emit('child-exited', { id, pid, code, signal, restartInMs: undefined });
      this.giveUp(
        `supervisor gave up: ${id} exited with ${describeExit(code, signal)}, which would be restart ` +
          `${this.intensity.countAt(now)} within ${this.intensity.periodMs} ms, more than the limit of ` +
          `${this.intensity.maxRestarts}; stopping every node`,
      );
      return;
    }
    const delay = child.backoff.next();
    this.logger.warn(
      { node: id, nodePid: pid, code, signal, restartInMs: delay },
      `node exited with ${describeExit(code, signal)}; restarting`,
    );
    this.emit('child-exited', { id, pid, code, signal, restartInMs: delay });
    child.restartTimer = setTimeout(() => {
      child.restartTimer = undefined;
      if (this.state !== 'running') return;
      child.restarts += 1;
      this.launch(child);
    }, delay);
  }

  private giveUp(message: string): void {
    this.gaveUpWith = message;
    this.logger.error(message);
    this.emit('gave-up', { message });
    void this.stop();
  }

  private async shutdown(): Promise<void> {
    this.state = 'stopping';
    for (const child of this.children) {
      clearTimeout(child.restartTimer);
      child.restartTimer = undefined;
    }
    const running = this.children.flatMap((child) => (child.running ? [child.running] : []));
    this.logger.info({ nodes: running.length, timeoutMs: this.stopTimeoutMs }, 'stopping nodes');
    for (const { process: proc } of running) {
      if (!signalGroup(proc.pid, 'SIGTERM')) proc.kill('SIGTERM');
    }
    const deadline = setTimeout(() => {
      for (const child of this.children) {
        const proc = child.running?.process;
        if (proc === undefined) continue;
        this.logger.warn({ node: child.spec.id, nodePid: proc.pid }, 'node ignored SIGTERM; sending SIGKILL');
        if (!signalGroup(proc.pid, 'SIGKILL')) proc.kill('SIGKILL');
      }
    }, this.stopTimeoutMs);
    await Promise.all(running.map((entry) => entry.exited));
    clearTimeout(deadline);
    this.state = 'stopped';
    this.resolveDone(
      this.gaveUpWith === undefined
        ? { outcome: 'stopped' }
        : { outcome: 'gave-up', message: this.gaveUpWith },
    );
  }
}
