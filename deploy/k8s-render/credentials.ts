// The Secrets the nodes read their credentials from. The base only references them by name and key; the dev
// overlay and the compose file fill them with well-known development values, production gets them from its
// operators or from the person who deploys it (README: Deploy to Kubernetes).

/** One key of one Secret. */
export interface SecretKey {
  readonly secret: string;
  readonly key: string;
}

/**
 * A family's broker login: `username` and `password`. In production the messaging topology operator's `User`
 * imports it (so it can be written URL-safe: the operator's own generated passwords are standard base64 and
 * may hold a `/`, which no AMQP URL can carry unescaped, and Kubernetes cannot escape when composing one).
 */
export function brokerLoginOf(family: string): {
  readonly username: SecretKey;
  readonly password: SecretKey;
} {
  const secret = `trellis-${family}-broker`;
  return { username: { secret, key: 'username' }, password: { secret, key: 'password' } };
}

/** The database URL: CloudNativePG's application Secret of the Cluster `postgres` (key `uri`). */
export const DATABASE_URL_SECRET: SecretKey = { secret: 'postgres-app', key: 'uri' };

/** The Redis URL (password included when it has one). */
export const REDIS_URL_SECRET: SecretKey = { secret: 'trellis-redis', key: 'url' };

/** The gateway's HMAC key for session tokens. */
export const SESSION_SECRET_SECRET: SecretKey = { secret: 'trellis-session', key: 'secret' };

/**
 * The broker login KEDA reads queue depths with, over the management API: in production the Secret the
 * topology operator generates for the `User` named `trellis-keda` (tag `monitoring`).
 */
export const BROKER_MONITOR_LOGIN = {
  username: { secret: 'trellis-keda-user-credentials', key: 'username' },
  password: { secret: 'trellis-keda-user-credentials', key: 'password' },
} as const;
