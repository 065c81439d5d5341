// The payment provider simulator as a Fastify application, without a listening socket: main.ts listens on
// the configured port, tests listen on port 0 in their own process.
import { fastify } from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Logger } from 'pino';

import { registerAdminRoutes } from './admin-routes';
import { ChargeLedger } from './charge-ledger';
import { registerChargeRoutes } from './charge-routes';
import { ChargeService } from './charge-service';
import type { StoredChargeResponse } from './charge-service';
import { ConcurrencyLimit } from './concurrency-limit';
import { ProviderError } from './errors';
import { Faults } from './faults';
import { registerHealthRoutes } from './health-routes';
import { IdempotencyStore } from './idempotency-store';

/** Options of {@link buildProviderApp}. */
export interface ProviderAppOptions {
  /** Root logger; a silent one when omitted. */
  readonly logger?: Logger;
  /** Charge API requests served at once before answering 429; 50 when omitted. */
  readonly maxInFlight?: number;
  /** Clock for `createdAt`; the system clock when omitted. */
  readonly now?: () => Date;
}

const DEFAULT_MAX_IN_FLIGHT = 50;

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).statusCode === 'number';
}

/**
 * Builds the simulator with an empty ledger, no faults and its own state (two apps share nothing). The
 * caller listens (`app.listen({ port: 0, host: '127.0.0.1' })`) and closes it; `close()` lets requests in
 * flight finish and answers new ones 503.
 */
export function buildProviderApp(options: ProviderAppOptions = {}): FastifyInstance {
  // Typed as Fastify's logger (which pino's is) so the instance has the plain FastifyInstance type that
  // route modules take.
  const logger: FastifyBaseLogger = options.logger ?? pino({ level: 'silent' });
  const app: FastifyInstance = fastify({ loggerInstance: logger });

  const faults = new Faults();
  const limit = new ConcurrencyLimit(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  const charges = new ChargeService({
    ledger: new ChargeLedger(),
    keys: new IdempotencyStore<StoredChargeResponse>(),
    faults,
    now: options.now ?? (() => new Date()),
  });

  app.setErrorHandler(async (error: unknown, request, reply) => {
    if (error instanceof ProviderError) {
      return reply.code(error.spec.status).send(error.toBody());
    }
    // Fastify's own client errors (malformed JSON, wrong content type, body too large) keep their status.
    if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode < 500) {
      const clientError = new ProviderError('invalid_request', error.message);
      return reply.code(error.statusCode).send(clientError.toBody());
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply
      .code(500)
      .send(new ProviderError('internal', 'Internal error in the payment provider.').toBody());
  });

  app.setNotFoundHandler(async (request, reply) =>
    reply
      .code(404)
      .send(new ProviderError('route_not_found', `No route ${request.method} ${request.url}.`).toBody()),
  );

  // Graceful close: Fastify answers new requests 503 and Node's server.close() waits for every open
  // connection, but a keep-alive connection that carried a request in flight would stay open until its
  // client hung up. Answering that request with `Connection: close` ends the connection with the reply.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  registerHealthRoutes(app);
  registerAdminRoutes(app, charges, faults, limit);
  // Its own scope, so the load limit's hook wraps the charge API only, not health checks or test controls.
  void app.register((scope, _options, done) => {
    registerChargeRoutes(scope, charges, limit);
    done();
  });

  return app;
}
