// Node settings: every setting comes from the environment, parsed and validated once at start.
import { z } from 'zod';

import type { SettingProblem } from './errors';
import { SettingsError } from './errors';
import { maskCredentials } from './mask-credentials';

/** The node types of the architecture; `external` marks a stand-in for a third-party system. */
const nodeTypes = ['front-end', 'logic', 'service', 'external'] as const;
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A whole-number setting from `minimum` to `maximum`, `fallback` when unset; its error says the range. */
export function wholeNumber(minimum: number, maximum: number, fallback: number) {
  const allowed =
    maximum === Number.MAX_SAFE_INTEGER
      ? `must be a whole number, ${minimum} or more`
      : `must be a whole number from ${minimum} to ${maximum}`;
  return z.coerce
    .number({ error: allowed })
    .int({ error: allowed })
    .min(minimum, { error: allowed })
    .max(maximum, { error: allowed })
    .default(fallback);
}

/** A URL setting with one of `protocols` (e.g. `['amqp:', 'amqps:']`); its error shows `example`. */
export function urlSetting(protocols: readonly string[], example: string) {
  const allowed = `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}, e.g. ${example}`;
  return z.string().refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
    error: allowed,
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

const kebabCase = z
  .string({ error: 'must be the node family in kebab-case, e.g. cart or payment-provider' })
  .regex(/^[a-z][a-z0-9-]*$/, { error: 'must be kebab-case, e.g. cart or payment-provider' });

/**
 * The settings every node reads. A node adds its own with `defineSettings`, and may give `NODE_FAMILY` and
 * `NODE_TYPE` a default there (the supervisor sets both; a default lets the node also start by hand).
 * `NODE_ID` defaults to `<family>-<pid>` and `OTEL_SERVICE_NAME` to the family (filled in by `readSettings`).
 */
export const commonNodeSettings = z.object({
  NODE_ID: z.string().min(1, { error: 'must not be empty' }),
  NODE_FAMILY: kebabCase,
  NODE_TYPE: oneOf(nodeTypes),
  AMQP_URL: urlSetting(['amqp:', 'amqps:'], 'amqp://guest:guest@127.0.0.1:5672').default(
    'amqp://guest:guest@127.0.0.1:5672',
  ),
  BUS_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, { error: 'must be kebab-case, e.g. trellis' })
    .default('trellis'),
  // Attempts of the first broker connection before the node gives up at start (about a minute with 20).
  BUS_START_ATTEMPTS: wholeNumber(1, 1_000, 20),
  DATABASE_URL: urlSetting(
    ['postgresql:', 'postgres:'],
    'postgresql://postgres@127.0.0.1:5432/postgres',
  ).default('postgresql://postgres@127.0.0.1:5432/postgres'),
  REDIS_URL: urlSetting(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  // The deployment's key prefix in Redis (rings, memberships), so deployments sharing one Redis never meet.
  DATA_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, { error: 'may hold only letters, digits, "_", "-" and ".", e.g. trellis' })
    .default('trellis'),
  HEALTH_PORT: wholeNumber(0, 65_535, 0),
  HEALTH_HOST: z
    .string()
    .min(1, { error: 'must be a host name or address, e.g. 127.0.0.1' })
    .default('127.0.0.1'),
  LOG_LEVEL: oneOf(logLevels).default('info'),
  SHUTDOWN_TIMEOUT_MS: wholeNumber(1, Number.MAX_SAFE_INTEGER, 10_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: urlSetting(['http:', 'https:'], 'http://127.0.0.1:4318').optional(),
  OTEL_SERVICE_NAME: z.string().min(1, { error: 'must not be empty' }),
});

/** The validated settings every node has (a node's own settings add to these). */
export type NodeSettings = z.output<typeof commonNodeSettings>;

/**
 * A node's settings schema: `commonNodeSettings` plus the node's own variables. A variable declared in
 * `schema` replaces the common one of the same name (e.g. `NODE_FAMILY: z.string().default('cart')`).
 * Use `z.coerce.number()` for numbers and `z.stringbool()` for booleans: every value arrives as a string.
 * A node that declares `NODE_ID` optional gets no derived id (its bus then picks one; `withNodeId`
 * gives it the derived one where node-kit needs it); a variable marked
 * with `.meta({ secret: true })` is never echoed in a `SettingsError`.
 */
export function defineSettings<S extends z.ZodRawShape>(schema: z.ZodObject<S>) {
  return commonNodeSettings.extend(schema.shape);
}

/** The environment as `process.env` types it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses `env` (default `process.env`) with `schema`, once, at start. An empty variable counts as unset, so
 * its default applies. For node schemas, an unset `NODE_ID` becomes `<family>-<pid>` and an unset
 * `OTEL_SERVICE_NAME` the family.
 *
 * @throws SettingsError naming every bad variable, its value and what it allows.
 */
export function readSettings<S extends z.ZodObject>(schema: S, env: Environment = process.env): z.output<S> {
  const input: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  fillDerivedDefaults(schema, input);
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;

  const problems = new Map<string, SettingProblem>();
  for (const issue of parsed.error.issues) {
    const variable = String(issue.path[0] ?? '(settings)');
    if (problems.has(variable)) continue;
    const value = input[variable];
    problems.set(variable, {
      variable,
      value: value === undefined ? undefined : isSecret(schema, variable) ? '***' : maskCredentials(value),
      allowed: issue.message,
    });
  }
  throw new SettingsError([...problems.values()]);
}

function isSecret(schema: z.ZodObject, variable: string): boolean {
  const field = schema.shape[variable] as z.ZodType | undefined;
  return field?.meta()?.['secret'] === true;
}

/** Defaults that depend on another variable, which a zod default cannot see. */
function fillDerivedDefaults(schema: z.ZodObject, input: Record<string, string>): void {
  const familySchema = schema.shape['NODE_FAMILY'] as z.ZodType | undefined;
  const family = familySchema?.safeParse(input['NODE_FAMILY']);
  // With no valid family the parse fails on NODE_FAMILY anyway; the placeholder keeps it the only complaint.
  const familyName = family?.success && typeof family.data === 'string' ? family.data : 'node';
  const nodeIdSchema = schema.shape['NODE_ID'] as z.ZodType | undefined;
  if (
    nodeIdSchema !== undefined &&
    !nodeIdSchema.safeParse(undefined).success &&
    input['NODE_ID'] === undefined
  ) {
    input['NODE_ID'] = derivedNodeId(familyName);
  }
  if ('OTEL_SERVICE_NAME' in schema.shape && input['OTEL_SERVICE_NAME'] === undefined) {
    input['OTEL_SERVICE_NAME'] = familyName;
  }
}

function derivedNodeId(family: string): string {
  return `${family}-${process.pid}`;
}

/**
 * `settings` with `NODE_ID` set, for a node whose schema leaves it optional: an unset id becomes the one
 * `readSettings` derives for every other node, `<family>-<pid>`.
 */
export function withNodeId<T extends { readonly NODE_ID?: string | undefined; readonly NODE_FAMILY: string }>(
  settings: T,
): T & { readonly NODE_ID: string } {
  return { ...settings, NODE_ID: settings.NODE_ID ?? derivedNodeId(settings.NODE_FAMILY) };
}

/**
 * `readSettings` for a node's `main.ts`: on bad settings it prints the message (every bad variable, no stack)
 * on stderr and exits the process with code 1.
 */
export function loadSettings<S extends z.ZodObject>(schema: S, env: Environment = process.env): z.output<S> {
  try {
    return readSettings(schema, env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(1);
  }
}
