// Runs src/main.ts as a child process, the way it runs in production, from its TypeScript source.
// main.ts must not import the test helpers, so readiness is learnt from its log and /health/ready
// rather than from @trellis/testing's ready signal.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

import { waitFor } from '@trellis/testing';

const workspaceRoot = join(__dirname, '..', '..', '..', '..');
const mainScript = join(workspaceRoot, 'apps', 'payment-provider', 'src', 'main.ts');

/** How a child process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running `main.ts`. */
export interface ProviderProcess {
  readonly pid: number;
  /** Resolves once the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal; does nothing once it has exited. */
  kill(signal: NodeJS.Signals): void;
}

/** Spawns `node --conditions=@trellis/source --import tsx apps/payment-provider/src/main.ts` with `env` added. */
export function spawnProvider(env: Record<string, string>): ProviderProcess {
  const child = spawn(process.execPath, ['--conditions=@trellis/source', '--import', 'tsx', mainScript], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    pid: child.pid ?? -1,
    exited,
    output: () => output,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** The address from the child's "payment provider listening" log line, once it has been written. */
function listeningAddress(output: string): string | undefined {
  // The last piece may be a line still being written.
  for (const line of output.split('\n').slice(0, -1)) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: unknown; address?: unknown };
    if (entry.msg === 'payment provider listening' && typeof entry.address === 'string') return entry.address;
  }
  return undefined;
}

/** Spawns main.ts on a free port and resolves with its base URL once `/health/ready` answers 200. */
export async function startProviderProcess(
  env: Record<string, string> = {},
): Promise<{ process: ProviderProcess; url: string }> {
  const child = spawnProvider({ PAYMENT_PROVIDER_PORT: '0', PAYMENT_PROVIDER_HOST: '127.0.0.1', ...env });
  try {
    const url = await waitFor(() => listeningAddress(child.output()), {
      timeoutMs: 30_000,
      description: 'main.ts to log the address it listens on',
    });
    await waitFor(async () => (await fetch(`${url}/health/ready`)).status === 200, {
      timeoutMs: 10_000,
      description: 'GET /health/ready to answer 200',
    });
    return { process: child, url };
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`payment provider did not start\n--- output ---\n${child.output()}`, { cause: error });
  }
}
