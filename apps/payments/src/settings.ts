// The payments node's settings, read from the environment once at start-up; README.md lists them in one table.
import { chargeOrder } from '@trellis/contracts';
import { z } from 'zod';

/** Validated settings of a payments node. */
export interface PaymentsSettings {
  /** amqp:// URL of the broker (`AMQP_URL`, amqp://guest:guest@127.0.0.1:5672). */
  readonly amqpUrl: string;
  /** postgresql:// URL of the database (`DATABASE_URL`, postgresql://postgres@127.0.0.1:5432/postgres). */
  readonly databaseUrl: string;
  /** The family's own schema: its charges and the bus inbox (`PAYMENTS_DATABASE_SCHEMA`, payments). */
  readonly databaseSchema: string;
  /** This node's id on the bus (`NODE_ID`); a random one when unset. */
  readonly nodeId: string | undefined;
  /** Base URL of the payment provider's API (`PAYMENT_PROVIDER_URL`, http://127.0.0.1:4100). */
  readonly providerUrl: string;
  /** Longest wait for one provider request, queueing included (`PAYMENTS_PROVIDER_TIMEOUT_MS`, 2000). */
  readonly providerTimeoutMs: number;
  /** Provider requests this node runs at once (`PAYMENTS_PROVIDER_CONCURRENCY`, 40). */
  readonly providerConcurrency: number;
  /** Provider requests waiting for a slot before new ones are refused (`PAYMENTS_PROVIDER_QUEUE`, 100). */
  readonly providerQueue: number;
  /** Consecutive provider failures that open the circuit (`PAYMENTS_BREAKER_FAILURES`, 5). */
  readonly breakerFailures: number;
  /** How long an open circuit refuses before one trial request (`PAYMENTS_BREAKER_HALF_OPEN_MS`, 5000). */
  readonly breakerHalfOpenMs: number;
  /** Pino log level (`LOG_LEVEL`, info). */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Thrown by {@link loadSettings}; its message names every variable that is wrong and why. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

// An empty variable counts as unset, so `PAYMENTS_PROVIDER_TIMEOUT_MS=` falls back to the default.
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

function url(defaultValue: string, protocols: readonly string[]) {
  return z.preprocess(
    unsetWhenEmpty,
    z.url({ protocol: new RegExp(`^(${protocols.join('|')})$`) }).default(defaultValue),
  );
}

// The provider's limit is 50 requests in flight across all its clients (it answers 429 beyond). One payments
// node in the blueprint at 40 leaves 10 for requests the provider still counts after we gave up on them (an
// aborted request holds its slot until the provider notices the closed socket). Run two nodes at 20 each.
const PROVIDER_LIMIT = 50;

const environmentSchema = z.object({
  AMQP_URL: url('amqp://guest:guest@127.0.0.1:5672', ['amqp', 'amqps']),
  DATABASE_URL: url('postgresql://postgres@127.0.0.1:5432/postgres', ['postgres', 'postgresql']),
  PAYMENTS_DATABASE_SCHEMA: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .default('payments'),
  ),
  NODE_ID: z.preprocess(unsetWhenEmpty, z.string().trim().min(1).max(128).optional()),
  PAYMENT_PROVIDER_URL: url('http://127.0.0.1:4100', ['http', 'https']),
  // Below the contract's per-attempt timeout, so the handler answers (retryable) before the caller gives up
  // on the attempt and the reply is not wasted.
  PAYMENTS_PROVIDER_TIMEOUT_MS: integer(2_000, 1, chargeOrder.timeoutMs - 1),
  PAYMENTS_PROVIDER_CONCURRENCY: integer(40, 1, PROVIDER_LIMIT - 1),
  PAYMENTS_PROVIDER_QUEUE: integer(100, 0, 100_000),
  PAYMENTS_BREAKER_FAILURES: integer(5, 1, 1_000),
  PAYMENTS_BREAKER_HALF_OPEN_MS: integer(5_000, 1, 600_000),
  LOG_LEVEL: z.preprocess(
    unsetWhenEmpty,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

/**
 * Parses the payments node's settings from `env` (normally `process.env`). Unset or empty variables take
 * their localhost defaults. Throws a {@link SettingsError} naming each invalid variable.
 */
export function loadSettings(env: NodeJS.ProcessEnv): PaymentsSettings {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`,
    );
    throw new SettingsError(`invalid payments settings:\n  ${problems.join('\n  ')}`);
  }
  const values = parsed.data;
  return {
    amqpUrl: values.AMQP_URL,
    databaseUrl: values.DATABASE_URL,
    databaseSchema: values.PAYMENTS_DATABASE_SCHEMA,
    nodeId: values.NODE_ID,
    // Without the trailing slash, so paths join as `${providerUrl}/v1/charges`.
    providerUrl: values.PAYMENT_PROVIDER_URL.replace(/\/+$/, ''),
    providerTimeoutMs: values.PAYMENTS_PROVIDER_TIMEOUT_MS,
    providerConcurrency: values.PAYMENTS_PROVIDER_CONCURRENCY,
    providerQueue: values.PAYMENTS_PROVIDER_QUEUE,
    breakerFailures: values.PAYMENTS_BREAKER_FAILURES,
    breakerHalfOpenMs: values.PAYMENTS_BREAKER_HALF_OPEN_MS,
    logLevel: values.LOG_LEVEL,
  };
}
