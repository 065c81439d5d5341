// Runs the bundle's command line (deploy/k8s-render/main.ts) the way `npm run bundle:render` / `bundle:check`
// do, for tests that check what a person at the terminal gets: the exit code and the messages.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(__dirname, '..', '..', '..');

/** What one run of the command line ended with. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `main.ts` with `args` under this Node.js, tsx and the source condition; never rejects on exit codes. */
export function runRenderCli(args: readonly string[]): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolveRun, reject) => {
    execFile(
      process.execPath,
      ['--conditions=@trellis/source', '--import', 'tsx', 'deploy/k8s-render/main.ts', ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp' },
      },
      (error, stdout, stderr) => {
        const ms = Math.round(performance.now() - started);
        if (error === null) return resolveRun({ code: 0, stdout, stderr, ms });
        if (typeof error.code === 'number') return resolveRun({ code: error.code, stdout, stderr, ms });
        // Killed by the timeout, or not started at all.
        reject(
          new Error(`deploy/k8s-render/main.ts did not run to its end: ${error.message}`, { cause: error }),
        );
      },
    );
  });
}
