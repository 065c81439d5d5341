// One cart node of the data bench as a process of its own: apps/cart/src/main.ts under tsx, the way the e2e
// harness starts nodes, ready once its /health/ready answers 200 (which waits for its datasets to catch up).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { waitFor } from '@trellis/testing';

/** The repository root, where the node runs from. */
const repoRoot = resolve(__dirname, '../../..');
const cartMain = 'apps/cart/src/main.ts';
const keptOutputChars = 64 * 1024;

/** A running cart node. */
export interface CartNode {
  readonly nodeId: string;
  readonly pid: number;
  /** The last output of the node (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves once `/health/ready` answers 200; rejects at the deadline or when the node exits first. */
  ready(timeoutMs: number): Promise<void>;
  /**
   * SIGTERM (the node leaves the ring and drains), SIGKILL if it has not exited after `timeoutMs`. Resolves
   * with how it ended; `clean` is false when it had to be killed or exited with a code other than 0.
   */
  stop(timeoutMs: number): Promise<{ clean: boolean; how: string }>;
}

/** What a cart node is started with. */
export interface CartNodeOptions {
  readonly nodeId: string;
  readonly healthPort: number;
  /** AMQP_URL, DATA_PREFIX, DATASET_* and the rest of the node's settings. */
  readonly env: Readonly<Record<string, string>>;
  /** Forward the node's output to stderr, prefixed with its id. */
  readonly verbose: boolean;
}

/**
 * Spawns `node --conditions=@trellis/source --import <tsx> apps/cart/src/main.ts` with `env`, NODE_ID and
 * HEALTH_PORT as its whole environment (plus PATH and HOME), so nothing of the shell's DATASET_* leaks in.
 */
export function startCartNode(options: CartNodeOptions): CartNode {
  const tsx = pathToFileURL(createRequire(resolve(repoRoot, 'package.json')).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--conditions=@trellis/source', '--import', tsx, cartMain], {
    cwd: repoRoot,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      ...options.env,
      NODE_ID: options.nodeId,
      HEALTH_PORT: String(options.healthPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.nodeId}: the process did not start`);

  let output = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-keptOutputChars);
    if (options.verbose) process.stderr.write(text.replace(/^(?=.)/gm, `[${options.nodeId}] `));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  let exit: string | undefined;
  const exited = new Promise<string>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exit = signal === null ? `code ${String(code)}` : `signal ${signal}`;
      resolveExit(exit);
    });
  });
  const readyUrl = `http://127.0.0.1:${options.healthPort}/health/ready`;

  return {
    nodeId: options.nodeId,
    pid,
    output: () => output,
    async ready(timeoutMs) {
      await waitFor(
        async () => {
          if (exit !== undefined) throw new Error(`${options.nodeId} exited (${exit})`);
          const response = await fetch(readyUrl, { signal: AbortSignal.timeout(1_000) });
          return response.status === 200;
        },
        { timeoutMs, intervalMs: 100, description: `${options.nodeId} ready at ${readyUrl}` },
      );
    },
    async stop(timeoutMs) {
      if (exit === undefined) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<undefined>((resolveDeadline) => {
        timer = setTimeout(() => resolveDeadline(undefined), timeoutMs);
      });
      const first = await Promise.race([exited, deadline]);
      clearTimeout(timer);
      if (first === undefined) {
        child.kill('SIGKILL');
        return { clean: false, how: `killed after ${timeoutMs} ms (${await exited})` };
      }
      return { clean: first === 'code 0', how: first };
    },
  };
}
