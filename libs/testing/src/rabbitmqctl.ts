// Runs the local broker's rabbitmqctl with a deadline, so a wedged broker fails a test instead of hanging it.
import { execFile } from 'node:child_process';

/** Default deadline for one rabbitmqctl call; a healthy node answers in about half a second. */
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Runs `rabbitmqctl <args>` and resolves with its stdout.
 * Rejects with an Error carrying the command line and stderr when it fails or exceeds `timeoutMs`.
 */
export function rabbitmqctl(args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'rabbitmqctl',
      [...args],
      { timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`rabbitmqctl ${args.join(' ')} failed: ${error.message}\n${stderr.trim()}`, {
              cause: error,
            }),
          );
          return;
        }
        resolve(stdout);
      },
    );
  });
}
