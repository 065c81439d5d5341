// The payments node's settings, read from the environment once at start-up; README.md lists them in one table.
import { chargeOrder } from '@trellis/contracts';
import { commonNodeSettings, defineSettings, readSettings, urlSetting, wholeNumber } from '@trellis/node-kit';
import type { Environment } from '@trellis/node-kit';
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

// The provider's limit is 50 requests in flight across all its clients (it answers 429 beyond). One payments
// node in the blueprint at 40 leaves 10 for requests the provider still counts after we gave up on them (an
// aborted request holds its slot until the provider notices the closed socket). Run two nodes at 20 each.
const PROVIDER_LIMIT = 50;

/** node-kit's common settings plus the payments node's own: one schema, read once at start by telemetry.ts. */
export const paymentsSettingsSchema = defineSettings(
  z.object({
    // Defaults so the node also starts by hand; the supervisor sets both.
    NODE_FAMILY: commonNodeSettings.shape.NODE_FAMILY.default('payments'),
    NODE_TYPE: commonNodeSettings.shape.NODE_TYPE.default('service'),
    // Optional: unset, a node started by hand takes node-kit's `payments-<pid>` and a test's bus a random id.
    NODE_ID: z.string().trim().min(1).max(128).optional(),
    PAYMENTS_DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'must be a lower-case SQL identifier' })
      .default('payments'),
    PAYMENT_PROVIDER_URL: urlSetting(['http:', 'https:'], 'http://127.0.0.1:4100').default(
      'http://127.0.0.1:4100',
    ),
    // Below the contract's per-attempt timeout, so the handler answers (retryable) before the caller gives up
    // on the attempt and the reply is not wasted.
    PAYMENTS_PROVIDER_TIMEOUT_MS: wholeNumber(1, chargeOrder.timeoutMs - 1, 2_000),
    PAYMENTS_PROVIDER_CONCURRENCY: wholeNumber(1, PROVIDER_LIMIT - 1, 40),
    PAYMENTS_PROVIDER_QUEUE: wholeNumber(0, 100_000, 100),
    PAYMENTS_BREAKER_FAILURES: wholeNumber(1, 1_000, 5),
    PAYMENTS_BREAKER_HALF_OPEN_MS: wholeNumber(1, 600_000, 5_000),
  }),
);

/** The values of {@link paymentsSettingsSchema}, as node-kit's `loadSettings` returns them. */
export type PaymentsEnvironment = z.output<typeof paymentsSettingsSchema>;

/** The payments node's settings as its module reads them, from values parsed with the schema. */
export function paymentsSettingsFrom(values: PaymentsEnvironment): PaymentsSettings {
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

/**
 * Parses the payments node's settings from `env`. Unset or empty variables take their localhost defaults.
 * Throws node-kit's `SettingsError` naming each invalid variable.
 */
export function readPaymentsSettings(env: Environment): PaymentsSettings {
  return paymentsSettingsFrom(readSettings(paymentsSettingsSchema, env));
}
