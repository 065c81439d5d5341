// Liveness, readiness and metrics over plain node:http, so any process can serve them (Nest or not).
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/** One readiness condition: true when this part of the node can do its work. A throw counts as false. */
export type HealthCheck = () => Promise<boolean> | boolean;

/** Options of `startHealthServer`. */
export interface HealthServerOptions {
  /** Address to listen on (`HEALTH_HOST`). */
  host: string;
  /** Port to listen on (`HEALTH_PORT`); 0 picks a free one, read it back from the handle. */
  port: number;
  /** Readiness checks by name; the node is ready when every one passes. */
  checks: Record<string, HealthCheck>;
  /** What `GET /metrics` returns as JSON (default `{}`); called on every request. */
  metrics?: () => unknown;
  logger: Logger;
  /** How long one check may take before it counts as failing (default 2000 ms). */
  checkTimeoutMs?: number;
}

/** A running health server. */
export interface HealthServer {
  /** The port it listens on (the one picked when asked for port 0). */
  readonly port: number;
  /** From now on `/health/ready` answers 503 `shutting down`, whatever the checks say. */
  beginShutdown(): void;
  /** Stops listening and drops open connections; safe to call more than once. */
  close(): Promise<void>;
}

/** The body of `/health/ready`. */
interface Readiness {
  status: 'ready' | 'not ready' | 'shutting down';
  checks: Record<string, 'pass' | 'fail'>;
  failing: string[];
}

/**
 * Starts the health server and resolves once it listens:
 * - `GET /health/live`: 200 while the event loop runs;
 * - `GET /health/ready`: 200 when every check passes, else 503, both with `{ status, checks, failing }`;
 *   503 `shutting down` once `beginShutdown()` was called;
 * - `GET /metrics`: 200 with the JSON of `metrics()`.
 * Rejects when the address cannot be bound (the error carries `code`, e.g. `EADDRINUSE`, and `port`).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const checkTimeoutMs = options.checkTimeoutMs ?? 2_000;
  let shuttingDown = false;

  const readiness = async (): Promise<Readiness> => {
    const names = Object.keys(options.checks);
    const results = await Promise.all(
      names.map((name) => passes(options.checks[name], checkTimeoutMs, options.logger, name)),
    );
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i] ? 'pass' : 'fail'] as const));
    const failing = names.filter((_, i) => !results[i]);
    if (shuttingDown) return { status: 'shutting down', checks, failing };
    return { status: failing.length === 0 ? 'ready' : 'not ready', checks, failing };
  };

  const route = async (request: IncomingMessage): Promise<[number, unknown]> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return [405, { error: 'method not allowed' }];
    const path = new URL(request.url ?? '/', 'http://health').pathname;
    switch (path) {
      case '/health/live':
        return [200, { status: 'live' }];
      case '/health/ready': {
        const body = await readiness();
        return [body.status === 'ready' ? 200 : 503, body];
      }
      case '/metrics':
        return [200, options.metrics?.() ?? {}];
      default:
        return [404, { error: 'not found', paths: ['/health/live', '/health/ready', '/metrics'] }];
    }
  };

  const server = createServer((request, response) => {
    route(request).then(
      ([status, body]) => send(response, status, body, request.method === 'HEAD'),
      (error: unknown) => {
        options.logger.error({ err: error }, 'health endpoint failed');
        send(response, 500, { error: 'internal error' }, false);
      },
    );
  });
  // Probes are short; a stuck keep-alive socket must not hold the process open at shutdown.
  server.keepAliveTimeout = 1_000;
  server.listen(options.port, options.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error as Error)),
  ]);

  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    beginShutdown() {
      shuttingDown = true;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function passes(
  check: HealthCheck | undefined,
  timeoutMs: number,
  logger: Logger,
  name: string,
): Promise<boolean> {
  if (check === undefined) return false;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return (await Promise.race([Promise.resolve().then(check), timedOut])) === true;
  } catch (error) {
    logger.debug({ err: error, check: name }, 'readiness check threw');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function send(response: ServerResponse, status: number, body: unknown, headOnly: boolean): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(headOnly ? undefined : text);
}
