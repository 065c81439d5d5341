// Starts a benchmark responder in its own Node process (TypeScript through tsx) and makes sure no
// responder outlives the benchmark, whether it ends normally, throws or is interrupted.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** Message a responder sends over IPC once it consumes and can answer calls. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** A running responder process. */
export interface ResponderProcess {
  readonly pid: number | undefined;
  /** Disconnects IPC (the responder's cue to close and exit) and waits for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();

// 'exit' handlers must be synchronous: kill() only sends the signal, which is all that is left to do.
process.on('exit', () => killResponderProcesses());

/** Sends SIGKILL to every responder still running. Safe to call more than once. */
export function killResponderProcesses(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

function isReadyMessage(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready';
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/**
 * Forks `node --import tsx <script> <...args>` with an IPC channel and resolves once the child sends
 * `{type:'ready'}`. Rejects (and kills the child) if it exits first or is not ready within `readyTimeoutMs`.
 * The child's stdout/stderr are inherited so its failures are visible.
 */
export function startResponderProcess(
  script: string,
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly readyTimeoutMs?: number } = {},
): Promise<ResponderProcess> {
  const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
  const child = fork(script, [...args], {
    execPath: process.execPath,
    execArgv: ['--import', tsxLoader],
    env: options.env ?? process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));

  const stop = async (graceMs = 5000): Promise<void> => {
    if (child.connected) child.disconnect();
    if (!(await waitForExit(child, graceMs))) {
      child.kill('SIGKILL');
      await waitForExit(child, 1000);
    }
    live.delete(child);
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      cleanup();
      child.kill('SIGKILL');
      live.delete(child);
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`responder ${script} not ready within ${readyTimeoutMs} ms`)),
      readyTimeoutMs,
    );
    const onMessage = (message: unknown): void => {
      if (!isReadyMessage(message)) return;
      cleanup();
      resolve({ pid: child.pid, stop });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(new Error(`responder ${script} exited before ready (code ${code}, signal ${signal})`));
    const onError = (error: Error): void => fail(error);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}
