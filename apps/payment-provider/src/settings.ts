// The simulator's settings, read from the environment once at start-up; README.md lists them in one table.
import { z } from 'zod';

/** Validated settings of the payment provider simulator. */
export interface ProviderSettings {
  /** TCP port to listen on (`PAYMENT_PROVIDER_PORT`, 4100); 0 picks a free one. */
  readonly port: number;
  /** Interface to bind (`PAYMENT_PROVIDER_HOST`, 127.0.0.1). */
  readonly host: string;
  /** Charge API requests served at once before answering 429 (`PAYMENT_PROVIDER_MAX_IN_FLIGHT`, 50). */
  readonly maxInFlight: number;
  /** How long a graceful shutdown may take before the process gives up (`PAYMENT_PROVIDER_SHUTDOWN_TIMEOUT_MS`, 10000). */
  readonly shutdownTimeoutMs: number;
  /** Pino log level (`PAYMENT_PROVIDER_LOG_LEVEL`, info). */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Thrown by {@link loadSettings}; its message names every variable that is wrong and why. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

// An empty variable counts as unset, so `PAYMENT_PROVIDER_PORT=` falls back to the default instead of
// coercing to port 0.
const unsetWhenEmpty = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

function integer(defaultValue: number, min: number, max: number) {
  return z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .trim()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(min).max(max))
      .default(defaultValue),
  );
}

const environmentSchema = z.object({
  PAYMENT_PROVIDER_PORT: integer(4100, 0, 65_535),
  PAYMENT_PROVIDER_HOST: z.preprocess(unsetWhenEmpty, z.string().trim().default('127.0.0.1')),
  PAYMENT_PROVIDER_MAX_IN_FLIGHT: integer(50, 1, 100_000),
  PAYMENT_PROVIDER_SHUTDOWN_TIMEOUT_MS: integer(10_000, 1, 600_000),
  PAYMENT_PROVIDER_LOG_LEVEL: z.preprocess(
    unsetWhenEmpty,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

/**
 * Parses the simulator's settings from `env` (normally `process.env`). Unset or empty variables take
 * their localhost defaults. Throws a {@link SettingsError} naming each invalid variable.
 */
export function loadSettings(env: NodeJS.ProcessEnv): ProviderSettings {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      const given = env[variable];
      return `${variable}: ${issue.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`;
    });
    throw new SettingsError(`Invalid payment provider settings:\n  ${problems.join('\n  ')}`);
  }
  const values = parsed.data;
  return {
    port: values.PAYMENT_PROVIDER_PORT,
    host: values.PAYMENT_PROVIDER_HOST,
    maxInFlight: values.PAYMENT_PROVIDER_MAX_IN_FLIGHT,
    shutdownTimeoutMs: values.PAYMENT_PROVIDER_SHUTDOWN_TIMEOUT_MS,
    logLevel: values.PAYMENT_PROVIDER_LOG_LEVEL,
  };
}
