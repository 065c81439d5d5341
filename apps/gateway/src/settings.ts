// The gateway's settings, read from the environment once at start-up; README.md lists them in one table.
import { defineSettings, readSettings, wholeNumber } from '@trellis/node-kit';
import type { Environment } from '@trellis/node-kit';
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
  /** Redis, where the rings of keyed node families live (`REDIS_URL`, redis://127.0.0.1:6379). */
  readonly redisUrl: string;
  /** The deployment's key prefix in Redis (`DATA_PREFIX`, trellis). */
  readonly dataPrefix: string;
  /** Pino level (`LOG_LEVEL`, info). */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

// node-kit's common settings plus the gateway's own: one schema, read once at start by telemetry.ts.
export const gatewaySettingsSchema = defineSettings(
  z.object({
    NODE_FAMILY: z.literal('gateway', { error: 'must be gateway for this node' }).default('gateway'),
    NODE_TYPE: z.literal('front-end', { error: 'must be front-end for this node' }).default('front-end'),
    // Optional: unset, the bus picks a random id (the supervisor sets it).
    NODE_ID: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
    GATEWAY_PORT: wholeNumber(0, 65_535, 3000),
    GATEWAY_HOST: z.string().trim().min(1, { error: 'must be a host name or address' }).default('127.0.0.1'),
    // 32 characters at least: an HMAC key much shorter than its 32-byte output is the weak link.
    SESSION_SECRET: z
      .string()
      .min(32, { error: 'must be at least 32 characters' })
      .default(developmentSessionSecret)
      .meta({ secret: true }),
    GATEWAY_MAX_IN_FLIGHT: wholeNumber(1, 1_000_000, 512),
    GATEWAY_BODY_LIMIT_BYTES: wholeNumber(1, 100 * 1024 * 1024, 64 * 1024),
  }),
);

/** The gateway's settings as the app reads them, from values parsed with {@link gatewaySettingsSchema}. */
export function gatewaySettingsFrom(values: z.output<typeof gatewaySettingsSchema>): GatewaySettings {
  return {
    port: values.GATEWAY_PORT,
    host: values.GATEWAY_HOST,
    amqpUrl: values.AMQP_URL,
    busPrefix: values.BUS_PREFIX,
    nodeId: values.NODE_ID,
    sessionSecret: values.SESSION_SECRET,
    maxInFlight: values.GATEWAY_MAX_IN_FLIGHT,
    bodyLimitBytes: values.GATEWAY_BODY_LIMIT_BYTES,
    redisUrl: values.REDIS_URL,
    dataPrefix: values.DATA_PREFIX,
    logLevel: values.LOG_LEVEL,
  };
}

/**
 * Parses the gateway's settings from `env`. Unset or empty variables take their localhost defaults. Throws
 * node-kit's `SettingsError` naming each invalid variable (never echoing the secret).
 */
export function readGatewaySettings(env: Environment): GatewaySettings {
  return gatewaySettingsFrom(readSettings(gatewaySettingsSchema, env));
}
