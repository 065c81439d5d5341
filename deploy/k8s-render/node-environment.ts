// The environment of one node, described once: the Kubernetes manifests render it as env entries (values,
// ConfigMap and Secret references) and the compose file as plain values, so both give every node the same
// variables.
import type { SettingName } from './cluster-settings';
import type { SecretKey } from './credentials';
import { brokerLoginOf, DATABASE_URL_SECRET, REDIS_URL_SECRET, SESSION_SECRET_SECRET } from './credentials';
import type { NodeFamily } from './node-family';
import { GATEWAY_PORT, HEALTH_PORT, SHUTDOWN_TIMEOUT_MS, SIMULATOR_PORT } from './node-runtime';
import type { ThirdPartySystem } from './third-party-systems';

/** Where a variable's value comes from. */
export type EnvSource =
  | { readonly kind: 'value'; readonly value: string }
  /** The node's own name: the pod's name in Kubernetes, the service's in compose. */
  | { readonly kind: 'node-id' }
  | { readonly kind: 'setting'; readonly setting: SettingName }
  | { readonly kind: 'secret'; readonly ref: SecretKey }
  /** A value made of earlier variables, written `$(NAME)` (Kubernetes expands it when it starts the container). */
  | { readonly kind: 'composed'; readonly template: string };

/** One environment variable of a node. */
export interface EnvEntry {
  readonly name: string;
  readonly source: EnvSource;
}

/** The broker's AMQP port; its host is the AMQP_HOST setting. */
export const AMQP_PORT = 5672;

const value = (name: string, text: string): EnvEntry => ({ name, source: { kind: 'value', value: text } });
const setting = (name: SettingName): EnvEntry => ({ name, source: { kind: 'setting', setting: name } });
const secret = (name: string, ref: SecretKey): EnvEntry => ({ name, source: { kind: 'secret', ref } });

/**
 * The variables the bundle sets for a node of `family`, before the blueprint's own `env`. Only what the family
 * uses: DATABASE_URL for families that own a schema, REDIS_URL for those on a ring, the session secret and
 * the HTTP listener for the front end. `extra` adds derived settings (a simulator's URL).
 */
export function managedEnvironment(
  family: NodeFamily,
  extra: Readonly<Record<string, string>> = {},
): EnvEntry[] {
  const login = brokerLoginOf(family.name);
  const entries: EnvEntry[] = [
    { name: 'NODE_ID', source: { kind: 'node-id' } },
    value('NODE_FAMILY', family.name),
    value('NODE_TYPE', family.type),
    value('HEALTH_HOST', '0.0.0.0'),
    value('HEALTH_PORT', String(HEALTH_PORT)),
    value('SHUTDOWN_TIMEOUT_MS', String(SHUTDOWN_TIMEOUT_MS)),
    setting('BUS_PREFIX'),
    setting('LOG_LEVEL'),
    setting('AMQP_HOST'),
    secret('AMQP_USERNAME', login.username),
    secret('AMQP_PASSWORD', login.password),
    {
      name: 'AMQP_URL',
      source: {
        kind: 'composed',
        template: `amqp://$(AMQP_USERNAME):$(AMQP_PASSWORD)@$(AMQP_HOST):${AMQP_PORT}`,
      },
    },
  ];
  if (family.uses.redis) entries.push(setting('DATA_PREFIX'), secret('REDIS_URL', REDIS_URL_SECRET));
  if (family.uses.database) entries.push(secret('DATABASE_URL', DATABASE_URL_SECRET));
  if (family.type === 'front-end') {
    // The front end is the gateway: the only node with a client port, and the one that signs session tokens.
    entries.push(
      value('GATEWAY_HOST', '0.0.0.0'),
      value('GATEWAY_PORT', String(GATEWAY_PORT)),
      secret('SESSION_SECRET', SESSION_SECRET_SECRET),
    );
  }
  for (const [name, text] of Object.entries(extra)) entries.push(value(name, text));
  return entries;
}

/** Everything a node of `family` gets: the managed variables, then the blueprint's `env` of the family. */
export function nodeEnvironment(
  family: NodeFamily,
  extra: Readonly<Record<string, string>> = {},
): EnvEntry[] {
  return [
    ...managedEnvironment(family, extra),
    ...Object.entries(family.env).map(([name, text]) => value(name, text)),
  ];
}

/** The environment of a simulator of a third-party system (no platform node: only where it listens). */
export function simulatorEnvironment(
  system: ThirdPartySystem,
  familyEnv: Readonly<Record<string, string>>,
): EnvEntry[] {
  return [
    // The simulator does not read it; every pod and compose service carries its own name all the same.
    { name: 'NODE_ID', source: { kind: 'node-id' } },
    value(system.simulatorHostVariable, '0.0.0.0'),
    value(system.simulatorPortVariable, String(SIMULATOR_PORT)),
    ...Object.entries(familyEnv).map(([name, text]) => value(name, text)),
  ];
}
