// Turns a failed start into one line a person can act on: which service, at which URL, and how to start it.
import { maskCredentials } from './mask-credentials';
import type { NodeSettings } from './settings';

/** The settings `describeStartupFailure` reads. */
export type StartupSettings = Pick<
  NodeSettings,
  'NODE_ID' | 'AMQP_URL' | 'DATABASE_URL' | 'REDIS_URL' | 'HEALTH_HOST' | 'HEALTH_PORT'
>;

interface BackingService {
  name: string;
  url: string;
  defaultPort: number;
  howToStart: string;
}

/** Network errors that mean "nothing answered there". */
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What a network error from node:net carries. */
interface NetworkFacts {
  code: string;
  port: number | undefined;
  host: string | undefined;
  message: string;
}

/**
 * One line (no stack, no newline) saying why the node could not start: for a backing service that did not
 * answer (RabbitMQ, PostgreSQL, Redis, recognised by the port or host of the failed connection), its name,
 * its URL with the password masked, the network error, and the command that starts it locally; for a health
 * port already taken, which one and what to set; otherwise the error's own message.
 */
export function describeStartupFailure(error: unknown, settings: StartupSettings): string {
  const prefix = `${settings.NODE_ID} cannot start:`;
  const services: BackingService[] = [
    { name: 'RabbitMQ', url: settings.AMQP_URL, defaultPort: 5672, howToStart: 'rabbitmq-server -detached' },
    {
      name: 'PostgreSQL',
      url: settings.DATABASE_URL,
      defaultPort: 5432,
      howToStart: 'pg_ctlcluster <version> main start (pg_lsclusters lists the versions)',
    },
    {
      name: 'Redis',
      url: settings.REDIS_URL,
      defaultPort: 6379,
      howToStart: 'redis-server --daemonize yes --port <port>',
    },
  ];
  const orAll = 'or `bash deploy/local/services.sh` to start every local service';

  for (const facts of networkErrorsIn(error)) {
    if (facts.code === 'EADDRINUSE' && facts.port === settings.HEALTH_PORT) {
      return oneLine(
        `${prefix} the health port ${settings.HEALTH_HOST}:${settings.HEALTH_PORT} is already in use (${facts.code}); set HEALTH_PORT to a free port, or 0 to pick one`,
      );
    }
    if (!unreachableCodes.has(facts.code)) continue;
    const service = services.find((candidate) => matches(candidate, facts));
    if (service === undefined) continue;
    return oneLine(
      `${prefix} ${service.name} is unreachable at ${maskCredentials(service.url)} (${facts.message}); start it with \`${service.howToStart}\` ${orAll}`,
    );
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // "(?)" marks a constructor parameter whose type Nest could not see: no decorator metadata at run time.
  const hint = /can't resolve dependencies of .*\?/.test(message)
    ? ' (tsx emits no decorator metadata: name the token with @Inject(Token) on that constructor parameter)'
    : '';
  return oneLine(`${prefix} ${maskCredentials(message)}${hint}`);
}

function matches(service: BackingService, facts: NetworkFacts): boolean {
  if (!URL.canParse(service.url)) return false;
  const url = new URL(service.url);
  const port = url.port === '' ? service.defaultPort : Number(url.port);
  if (facts.port !== undefined) return facts.port === port;
  // A failed name lookup has a host but no port.
  return facts.host !== undefined && facts.host === url.hostname;
}

/** Every network error in `error`, its causes and its aggregated errors (breadth first, each once). */
function networkErrorsIn(error: unknown): NetworkFacts[] {
  const found: NetworkFacts[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const fields = current as {
      code?: unknown;
      port?: unknown;
      address?: unknown;
      hostname?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof fields.code === 'string') {
      found.push({
        code: fields.code,
        port: typeof fields.port === 'number' ? fields.port : undefined,
        host:
          typeof fields.hostname === 'string'
            ? fields.hostname
            : typeof fields.address === 'string'
              ? fields.address
              : undefined,
        message: typeof fields.message === 'string' && fields.message !== '' ? fields.message : fields.code,
      });
    }
    queue.push(fields.cause);
    if (Array.isArray(fields.errors)) queue.push(...(fields.errors as unknown[]));
  }
  return found;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
