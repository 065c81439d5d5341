// The gateway's settings, read from the environment once at start-up; README.md lists them in one table.
import { z } from 'zod';

/**
 * The development session secret. Anyone who knows it can forge session tokens, so the gateway warns at start
 * when it runs with it; production sets `SESSION_SECRET`.
 */
export const developmentSessionSecret = 'trellis-development-session-secret-do-not-use-in-production';

/** Validated settings of one gateway node. */
export interface GatewaySettings {
  /** TCP port for clients (`GATEWAY_PORT`, 3000); 0 picks a free one. */
  readonly port: number;
  /** Interface to bind (`GATEWAY_HOST`, 127.0.0.1). */
  readonly host: string;
  /** The broker (`AMQP_URL`, amqp://guest:guest@127.0.0.1:5672). */
  readonly amqpUrl: string;
  /** Prefix of the bus's exchanges and queues (`BUS_PREFIX`, trellis). */
  readonly busPrefix: string;
  /** This node's id on the bus (`NODE_ID`, set by the supervisor; random when unset). */
  readonly nodeId: string | undefined;
  /** Key of the HMAC that signs session tokens (`SESSION_SECRET`, a development value). */
  readonly sessionSecret: string;
  /** Requests served at once before answering 503 at once (`GATEWAY_MAX_IN_FLIGHT`, 512). */
  readonly maxInFlight: number;
  /** Largest request body accepted, in bytes (`GATEWAY_BODY_LIMIT_BYTES`, 65536). */
  readonly bodyLimitBytes: number;
  /** How long a graceful shutdown may take (`GATEWAY_SHUTDOWN_TIMEOUT_MS`, 10000). */
  readonly shutdownTimeoutMs: number;
  /** Pino level (`LOG_LEVEL`, info). */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Thrown by {@link loadSettings}; its message names every variable that is wrong and why. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

// An empty variable counts as unset, so `GATEWAY_PORT=` falls back to the default instead of port 0.
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

function text(defaultValue: string) {
  return z.preprocess(unsetWhenEmpty, z.string().trim().min(1).default(defaultValue));
}

const environmentSchema = z.object({
  GATEWAY_PORT: integer(3000, 0, 65_535),
  GATEWAY_HOST: text('127.0.0.1'),
  AMQP_URL: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .trim()
      .regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL')
      .default('amqp://guest:guest@127.0.0.1:5672'),
  ),
  BUS_PREFIX: text('trellis'),
  NODE_ID: z.preprocess(unsetWhenEmpty, z.string().trim().optional()),
  // 32 characters at least: an HMAC key much shorter than its 32-byte output is the weak link.
  SESSION_SECRET: z.preprocess(
    unsetWhenEmpty,
    z.string().min(32, 'must be at least 32 characters').default(developmentSessionSecret),
  ),
  GATEWAY_MAX_IN_FLIGHT: integer(512, 1, 1_000_000),
  GATEWAY_BODY_LIMIT_BYTES: integer(64 * 1024, 1, 100 * 1024 * 1024),
  GATEWAY_SHUTDOWN_TIMEOUT_MS: integer(10_000, 1, 600_000),
  LOG_LEVEL: z.preprocess(
    unsetWhenEmpty,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

/**
 * Parses the gateway's settings from `env` (normally `process.env`). Unset or empty variables take their
 * localhost defaults. Throws a {@link SettingsError} naming each invalid variable (never echoing the secret).
 */
export function loadSettings(env: NodeJS.ProcessEnv): GatewaySettings {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      const given = variable === 'SESSION_SECRET' ? undefined : env[variable];
      return `${variable}: ${issue.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`;
    });
    throw new SettingsError(`Invalid gateway settings:\n  ${problems.join('\n  ')}`);
  }
  const values = parsed.data;
  return {
    port: values.GATEWAY_PORT,
    host: values.GATEWAY_HOST,
    amqpUrl: values.AMQP_URL,
    busPrefix: values.BUS_PREFIX,
    nodeId: values.NODE_ID,
    sessionSecret: values.SESSION_SECRET,
    maxInFlight: values.GATEWAY_MAX_IN_FLIGHT,
    bodyLimitBytes: values.GATEWAY_BODY_LIMIT_BYTES,
    shutdownTimeoutMs: values.GATEWAY_SHUTDOWN_TIMEOUT_MS,
    logLevel: values.LOG_LEVEL,
  };
}
