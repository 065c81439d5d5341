// The parent end of a test's child node: spawn it from TypeScript source, wait for its ready signal,
// and apply the faults the tests need (kill, pause, resume).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';

import { isReadyMessage } from './parent-channel';

/** Options for {@link startNodeProcess}. */
export interface StartNodeProcessOptions {
  /** Extra environment variables, merged over the test process's own environment. */
  readonly env?: Record<string, string>;
  /** Prefix for forwarded output and error messages; the script's file name when omitted. */
  readonly name?: string;
  /** How long to wait for the ready signal; 30 s when omitted. */
  readonly readyTimeoutMs?: number;
}

/** How a child process ended: exactly one of `code` and `signal` is set. */
export interface NodeProcessExit {
  readonly code: number | null;
  readonly signal: string | null;
}

/** A running child node started by {@link startNodeProcess}. */
export interface NodeProcess {
  /** The operating-system process id. */
  readonly pid: number;
  /** The name used in output prefixes and errors. */
  readonly name: string;
  /** Resolves once the process has exited, whatever the reason. */
  readonly exited: Promise<NodeProcessExit>;
  /** Every IPC message received so far, oldest first. */
  readonly messages: readonly unknown[];
  /** Sends a signal (SIGKILL when omitted); does nothing once the process has exited. */
  kill(signal?: NodeJS.Signals): void;
  /** Freezes the process with SIGSTOP: it keeps its sockets open but answers nothing. */
  pause(): void;
  /** Thaws a paused process with SIGCONT. */
  resume(): void;
  /** Sends an IPC message to the child; resolves once it has been handed to the channel. */
  send(message: unknown): Promise<void>;
  /** Calls `listener` for each IPC message received from now on; returns a function that unsubscribes. */
  onMessage(listener: (message: unknown) => void): () => void;
  /**
   * Resolves with the first IPC message received from now on that satisfies `predicate` (pass
   * `includeReceived: true` to search the messages already received too). Rejects at the deadline or
   * when the process exits first.
   */
  waitForMessage<T>(
    predicate: (message: unknown) => message is T,
    timeoutMs: number,
    options?: { includeReceived?: boolean },
  ): Promise<T>;
  waitForMessage(
    predicate: (message: unknown) => boolean,
    timeoutMs: number,
    options?: { includeReceived?: boolean },
  ): Promise<unknown>;
  /** Everything the child wrote to stdout and stderr so far (the last 1 MiB). */
  output(): string;
}

const DEFAULT_READY_TIMEOUT_MS = 30_000;
const OUTPUT_LIMIT = 1024 * 1024;

const running = new Set<ChildProcess>();

/** The tsx loader, resolved from this workspace so the child does not depend on its working directory. */
function tsxLoaderUrl(): string {
  return pathToFileURL(require.resolve('tsx')).href;
}

/**
 * Starts `node --conditions=@trellis/source --import tsx <scriptPath>` as a child with an IPC channel,
 * and resolves once the child calls `signalReady()`. The child's stdout and stderr are kept for
 * `output()` and forwarded with a name prefix only when TRELLIS_TEST_VERBOSE=1. Rejects, with the
 * collected output, if the child exits or the ready timeout passes first (the child is then killed).
 * Every started process is tracked for {@link stopAllNodeProcesses}.
 */
export function startNodeProcess(
  scriptPath: string,
  options: StartNodeProcessOptions = {},
): Promise<NodeProcess> {
  const name = options.name ?? scriptPath.split('/').pop() ?? scriptPath;
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const verbose = process.env['TRELLIS_TEST_VERBOSE'] === '1';

  const child = spawn(
    process.execPath,
    ['--conditions=@trellis/source', '--import', tsxLoaderUrl(), scriptPath],
    {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  running.add(child);

  let output = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-OUTPUT_LIMIT);
    if (verbose) {
      const prefixed = text.replace(/^(?=.)/gm, `[${name}] `);
      process.stderr.write(prefixed.endsWith('\n') ? prefixed : `${prefixed}\n`);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const exited = new Promise<NodeProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
    // A permanent listener: an unhandled 'error' event (failed spawn, kill or send) would crash the test.
    child.on('error', (error) => {
      output = `${output}[${name}] ${error.message}\n`.slice(-OUTPUT_LIMIT);
      // Spawning failed: there will be no 'exit' event.
      if (child.pid === undefined) {
        running.delete(child);
        resolve({ code: null, signal: null });
      }
    });
  });

  const messages: unknown[] = [];
  const listeners = new Set<(message: unknown) => void>();
  child.on('message', (message: unknown) => {
    messages.push(message);
    for (const listener of [...listeners]) listener(message);
  });
  const onMessage = (listener: (message: unknown) => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };

  const isAlive = (): boolean => child.exitCode === null && child.signalCode === null;

  const waitForMessage = (
    predicate: (message: unknown) => boolean,
    timeoutMs: number,
    waitOptions: { includeReceived?: boolean } = {},
  ): Promise<unknown> => {
    if (waitOptions.includeReceived) {
      const found = messages.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const stop = (): void => {
        clearTimeout(timer);
        unsubscribe();
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`${name}: no matching IPC message within ${timeoutMs} ms\n${output}`));
      }, timeoutMs);
      const unsubscribe = onMessage((message) => {
        if (!predicate(message)) return;
        stop();
        resolve(message);
      });
      void exited.then((exit) => {
        stop();
        reject(new Error(`${name} exited (${describeExit(exit)}) before a matching IPC message\n${output}`));
      });
    });
  };

  const handle: NodeProcess = {
    get pid() {
      return child.pid ?? -1;
    },
    name,
    exited,
    messages,
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (isAlive()) child.kill(signal);
    },
    pause() {
      if (isAlive()) child.kill('SIGSTOP');
    },
    resume() {
      if (isAlive()) child.kill('SIGCONT');
    },
    send(message: unknown) {
      return new Promise<void>((resolve, reject) => {
        if (!child.connected) {
          reject(new Error(`${name}: IPC channel is closed`));
          return;
        }
        child.send(message as never, (error) => (error ? reject(error) : resolve()));
      });
    },
    onMessage,
    waitForMessage,
    output: () => output,
  };

  return new Promise<NodeProcess>((resolve, reject) => {
    let settled = false;
    const fail = (reason: string, cause?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      handle.kill();
      reject(new Error(`${name} ${reason}\n--- output ---\n${output}`, { cause }));
    };
    const timer = setTimeout(() => fail(`did not signal ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
    const unsubscribe = onMessage((message) => {
      if (settled || !isReadyMessage(message)) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(handle);
    });
    child.once('error', (error) => fail(`failed: ${error.message}`, error));
    void exited.then((exit) => fail(`exited (${describeExit(exit)}) before signalling ready`));
  });
}

function describeExit(exit: NodeProcessExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}

/**
 * Sends SIGKILL to every child started by {@link startNodeProcess} that is still alive (paused ones
 * included) and resolves once all of them have exited. Call it in `afterAll` or `afterEach`.
 */
export async function stopAllNodeProcesses(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
