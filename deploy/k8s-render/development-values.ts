// The well-known development credentials of the dev overlay and the compose file. They protect nothing: they
// are public (this file), and only ever used on a developer's machine or a throwaway kind/minikube cluster.
import type { SecretKey } from './credentials';
import {
  BROKER_MONITOR_LOGIN,
  brokerLoginOf,
  DATABASE_URL_SECRET,
  REDIS_URL_SECRET,
  SESSION_SECRET_SECRET,
} from './credentials';

/** The broker's default login (the rabbitmq image lets `guest` in from other hosts). */
export const DEVELOPMENT_BROKER_LOGIN = { username: 'guest', password: 'guest' } as const;

/** The development database, its owner and password. */
export const DEVELOPMENT_DATABASE = {
  username: 'trellis',
  password: 'trellis-development-only',
  database: 'trellis',
} as const;

/** The gateway's development session secret (the one it warns about when SESSION_SECRET is unset). */
export const DEVELOPMENT_SESSION_SECRET = 'trellis-development-session-secret-do-not-use-in-production';

/** Host names of the backing services: Services in the dev namespace, services in the compose file. */
export const BACKING_SERVICE_HOSTS = { rabbitmq: 'rabbitmq', redis: 'redis', postgres: 'postgres' } as const;

/** A development Secret: its name and its keys' values. */
export interface DevelopmentSecret {
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
}

/** Every Secret the nodes of `families` reference, with development values, in a stable order. */
export function developmentSecrets(families: readonly string[]): DevelopmentSecret[] {
  const { username, password, database } = DEVELOPMENT_DATABASE;
  return [
    ...families.map((family) => ({
      name: brokerLoginOf(family).username.secret,
      data: { ...DEVELOPMENT_BROKER_LOGIN },
    })),
    { name: BROKER_MONITOR_LOGIN.username.secret, data: { ...DEVELOPMENT_BROKER_LOGIN } },
    {
      // The keys CloudNativePG's application Secret has, so the dev StatefulSet and the nodes read it the same way.
      name: DATABASE_URL_SECRET.secret,
      data: {
        username,
        password,
        dbname: database,
        [DATABASE_URL_SECRET.key]: `postgresql://${username}:${password}@${BACKING_SERVICE_HOSTS.postgres}:5432/${database}`,
      },
    },
    {
      name: REDIS_URL_SECRET.secret,
      data: { [REDIS_URL_SECRET.key]: `redis://${BACKING_SERVICE_HOSTS.redis}:6379` },
    },
    { name: SESSION_SECRET_SECRET.secret, data: { [SESSION_SECRET_SECRET.key]: DEVELOPMENT_SESSION_SECRET } },
  ];
}

/** The development value of one Secret key. */
export function developmentValueOf(ref: SecretKey, families: readonly string[]): string {
  const value = developmentSecrets(families).find((secret) => secret.name === ref.secret)?.data[ref.key];
  if (value === undefined) throw new Error(`no development value for Secret ${ref.secret} key ${ref.key}`);
  return value;
}
