// Cart nodes as real operating-system processes running apps/cart/src/main.ts (tsx, source condition), the way
// the supervisor runs them: each with its own settings, health port and output, killable for real.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, waitFor } from '@trellis/testing';

const workspaceRoot = join(__dirname, '..', '..', '..', '..');
const mainScript = join(workspaceRoot, 'apps', 'cart', 'src', 'main.ts');
const outputLimit = 2 * 1024 * 1024;
const verbose = process.env['TRELLIS_TEST_VERBOSE'] === '1';

/** How one cart node process is started. */
export interface CartNodeOptions {
  readonly nodeId: string;
  /** The request bus (`AMQP_URL`). */
  readonly amqpUrl: string;
  /** The replication bus (`DATA_AMQP_URL`); `amqpUrl` when omitted. */
  readonly dataAmqpUrl?: string;
  /** `DATA_PREFIX`: the cluster's Redis key prefix. */
  readonly dataPrefix: string;
  /** Further settings (sharing strategies, timings), over the defaults below. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for `/health/ready`; 60 s when omitted (a loaded machine compiles the sources slowly). */
  readonly readyTimeoutMs?: number;
}

/** How a process ended. */
export interface CartNodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running cart node. */
export interface CartNodeProcess {
  readonly nodeId: string;
  readonly pid: number;
  readonly healthPort: number;
  /** Resolves once the process has exited. */
  readonly exited: Promise<CartNodeExit>;
  /** True until the process has exited. */
  isRunning(): boolean;
  /** True while `/health/ready` answers 200. */
  isReady(): Promise<boolean>;
  /** SIGTERM (the graceful stop: leave the ring, hand over, drain) and wait for the exit, else SIGKILL. */
  terminate(timeoutMs?: number): Promise<CartNodeExit>;
  /** SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<CartNodeExit>;
  /** Everything the process wrote so far (the last 2 MiB). */
  output(): string;
}

const running = new Set<ChildProcess>();

// A test process that ends without its clean-up (a hook timed out, the run was interrupted) must not leave
// cart nodes behind heart-beating into the ring; sending a signal is synchronous, so an exit handler can do it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node --conditions=@trellis/source --import tsx apps/cart/src/main.ts` with the node's settings, and
 * resolves once its `/health/ready` answers 200 (it joined the ring and its datasets caught up). Logs at debug
 * level when TRELLIS_TEST_VERBOSE=1 (and forwards them), at info otherwise. Rejects, with the output, when the
 * process exits first or is not ready in time (it is then killed).
 */
export async function startCartNode(options: CartNodeOptions): Promise<CartNodeProcess> {
  const healthPort = await freePort();
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child = spawn(process.execPath, ['--conditions=@trellis/source', '--import', tsx, mainScript], {
    cwd: workspaceRoot,
    env: {
      ...process.env,
      NODE_ID: options.nodeId,
      NODE_FAMILY: 'cart',
      AMQP_URL: options.amqpUrl,
      DATA_AMQP_URL: options.dataAmqpUrl ?? options.amqpUrl,
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATA_PREFIX: options.dataPrefix,
      HEALTH_PORT: String(healthPort),
      HEALTH_HOST: '127.0.0.1',
      LOG_LEVEL: verbose ? 'debug' : 'info',
      MEMBERSHIP_DEAD_AFTER_MS: '1500',
      ANTI_ENTROPY_MS: '500',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-outputLimit);
    if (verbose) process.stderr.write(text.replace(/^(?=.)/gm, `[${options.nodeId}] `));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<CartNodeExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const isRunning = (): boolean => child.exitCode === null && child.signalCode === null;
  const readyUrl = `http://127.0.0.1:${healthPort}/health/ready`;

  const node: CartNodeProcess = {
    nodeId: options.nodeId,
    pid: child.pid ?? -1,
    healthPort,
    exited,
    isRunning,
    async isReady() {
      try {
        const response = await fetch(readyUrl, { signal: AbortSignal.timeout(1_000) });
        await response.body?.cancel();
        return response.status === 200;
      } catch {
        return false;
      }
    },
    async terminate(timeoutMs = 15_000) {
      if (isRunning()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      if (isRunning()) child.kill('SIGKILL');
      return exited;
    },
    output: () => output,
  };

  try {
    await waitFor(
      async () => {
        if (!isRunning()) throw new Error(`${options.nodeId} exited`);
        return node.isReady();
      },
      {
        timeoutMs: options.readyTimeoutMs ?? 60_000,
        intervalMs: 100,
        description: `${options.nodeId} to answer ready`,
      },
    );
  } catch (error) {
    await node.kill();
    throw new Error(`${options.nodeId} did not become ready\n--- output ---\n${output}`, { cause: error });
  }
  return node;
}

/** SIGKILLs every cart node started here that is still running, and waits for them to exit. */
export async function killAllCartNodes(): Promise<void> {
  await Promise.all(
    [...running].map(
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
