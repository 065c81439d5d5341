// What every benchmark entry point does the same way: read its settings from the environment, and end by
// itself with an exit code that says whether the run can be trusted.
import type { z } from 'zod';

/** A bad benchmark setting: reported by its message alone (the stack says nothing useful). */
class BenchSettingsError extends Error {}

/** Parses the benchmark's settings from `env`; throws naming every bad variable. */
export function readBenchSettings<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new BenchSettingsError(`bad benchmark setting: ${problems.join('; ')}`);
}

/**
 * Runs a benchmark's `main` and then exits the process, whatever library left a handle open (benchmarks are
 * bounded by design). A failure is printed once on stderr, as `<name> failed: …`, and makes the exit code 1;
 * `main` may set `process.exitCode` itself (e.g. when calls failed and the figures are suspect).
 */
export function runBench(name: string, main: () => Promise<void>): void {
  void main()
    .catch((error: unknown) => {
      const detail =
        error instanceof BenchSettingsError
          ? error.message
          : error instanceof Error
            ? (error.stack ?? error.message)
            : String(error);
      process.stderr.write(`${name} failed: ${detail}\n`);
      process.exitCode = 1;
    })
    .finally(() => process.exit());
}

/**
 * On SIGINT or SIGTERM: `interrupt()` (the benchmark starts no more work), then the clean-up it has by then,
 * then exit 130, so a benchmark stopped by hand leaves no process, vhost or key behind.
 */
export function cleanUpOnSignal(
  name: string,
  handlers: { interrupt(): void; cleanup(): Promise<void> | undefined },
): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      handlers.interrupt();
      process.stderr.write(`${name}: ${signal}: stopping everything the bench started\n`);
      void (handlers.cleanup() ?? Promise.resolve())
        .catch((error: unknown) =>
          process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`),
        )
        .finally(() => process.exit(130));
    });
  }
}
