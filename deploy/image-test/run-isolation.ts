// Where one image-test run keeps its data on this machine's shared services: its own RabbitMQ vhost,
// PostgreSQL database and role, and Redis key prefix. The manifests' values are changed only in which of
// those they name; hosts, ports and every other variable stay exactly as rendered.

/** The run's own places on the backing services. */
export interface RunPlaces {
  readonly vhost: string;
  readonly database: string;
  /** A role of the run; this machine's PostgreSQL trusts local connections, so no password is checked. */
  readonly databaseRole: string;
  readonly dataPrefix: string;
}

/** A container's environment for the run, and the names of the variables that were pointed at the run. */
export interface IsolatedEnvironment {
  readonly env: ReadonlyMap<string, string>;
  readonly changed: readonly string[];
}

function protocolOf(value: string): string | undefined {
  return URL.canParse(value) ? new URL(value).protocol : undefined;
}

// Edited as text rather than re-serialised by URL, which would re-encode the credentials: what the manifest
// composed reaches the node byte for byte, apart from the part the run changes.
const urlParts = /^([a-z]+:\/\/)([^/?#]*)([^?#]*)(.*)$/i;

function withPath(value: string, path: string): string {
  const [, scheme = '', authority = '', , rest = ''] = urlParts.exec(value) ?? [];
  return `${scheme}${authority}/${path}${rest}`;
}

function withUser(value: string, user: string): string {
  const [, scheme = '', authority = '', path = '', rest = ''] = urlParts.exec(value) ?? [];
  const at = authority.lastIndexOf('@');
  if (at < 0) return `${scheme}${user}@${authority}${path}${rest}`;
  const credentials = authority.slice(0, at);
  const colon = credentials.indexOf(':');
  const password = colon < 0 ? '' : credentials.slice(colon);
  return `${scheme}${user}${password}${authority.slice(at)}${path}${rest}`;
}

/**
 * Points `env` at `places`: every AMQP URL at the run's vhost, every PostgreSQL URL at the run's database
 * and role, and DATA_PREFIX at the run's key prefix.
 */
export function isolateEnvironment(env: ReadonlyMap<string, string>, places: RunPlaces): IsolatedEnvironment {
  const isolated = new Map(env);
  const changed: string[] = [];
  for (const [name, value] of env) {
    const protocol = protocolOf(value);
    let next = value;
    if (name === 'DATA_PREFIX') {
      next = places.dataPrefix;
    } else if (protocol === 'amqp:' || protocol === 'amqps:') {
      next = withPath(value, encodeURIComponent(places.vhost));
    } else if (protocol === 'postgresql:' || protocol === 'postgres:') {
      next = withUser(withPath(value, places.database), places.databaseRole);
    }
    if (next !== value) {
      isolated.set(name, next);
      changed.push(name);
    }
  }
  return { env: isolated, changed };
}
