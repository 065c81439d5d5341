// The gateway's HTTP layer: a Fastify application without a listening socket. The gateway node is a Nest
// application (gateway.module.ts: the bus, and GatewayHttpServer that listens on GATEWAY_PORT); tests build
// this app directly and listen on port 0.
//
// The routes are Fastify's own rather than Nest controllers: owning the Fastify instance lets one zod schema
// per route drive both validation and the OpenAPI document, and one error handler see every failure (parser,
// body limit, schema, unknown route, bus) on its way to problem+json; Nest's exception filters would split
// that between two layers.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Bus } from '@trellis/bus';
import { fastify } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

import { apiModules } from './api-modules';
import type { GatewayContext } from './gateway-api';
import { GatewayErrors } from './gateway-errors';
import { InFlightLimit } from './in-flight-limit';
import { createLogger } from './logger';
import { toProblem } from './problem';
import { ClusterMembers } from './cluster-members';
import { InterfaceLiveness } from './interface-liveness';
import { KeyedRings } from './keyed-rings';
import { registerClusterRoutes } from './routes/cluster-routes';
import { registerHealthRoutes } from './routes/health-routes';
import { developmentSessionSecret } from './settings';
import type { GatewaySettings } from './settings';
import { zodSwaggerTransform, zodValidatorCompiler } from './zod-route-schemas';

// Probes must answer even when the gateway sheds client requests, or an orchestrator would restart a node
// that is merely busy.
const exemptFromBackPressure = /^\/health\//;

/**
 * Builds a gateway node. With `bus`, the caller owns that bus (tests share one with their stand-in
 * handlers); without, the gateway connects to `settings.amqpUrl` and closes the bus when the app closes.
 * `rings` are the rings the bus routes keyed calls by (started here, stopped when the app closes); without,
 * the gateway follows the rings only for its cluster view and keyed calls go to shared queues.
 * `logger` defaults to one built from the settings. Nothing listens until the caller calls `listen`.
 */
export async function createGatewayApp(
  settings: GatewaySettings,
  bus?: Bus,
  logger: Logger = createLogger(settings),
  rings: KeyedRings = new KeyedRings({
    redisUrl: settings.redisUrl,
    dataPrefix: settings.dataPrefix,
    logger,
  }),
): Promise<FastifyInstance> {
  if (settings.sessionSecret === developmentSessionSecret) {
    logger.warn('SESSION_SECRET is not set: session tokens are signed with the public development secret');
  }
  const ownBus =
    bus ??
    (await Bus.connect({
      url: settings.amqpUrl,
      prefix: settings.busPrefix,
      logger,
      keyRouter: rings.keyRouter,
      ...(settings.nodeId === undefined ? {} : { nodeId: settings.nodeId }),
    }));

  // Typed as Fastify's logger (which pino's is) so the instance has the plain FastifyInstance type.
  const fastifyLogger: FastifyBaseLogger = logger;
  const app: FastifyInstance = fastify({
    loggerInstance: fastifyLogger,
    bodyLimit: settings.bodyLimitBytes,
  });
  if (bus === undefined) app.addHook('onClose', async () => ownBus.close());
  await rings.start();
  app.addHook('onClose', async () => rings.stop());

  // The cluster view: every node's heartbeats (node-kit's bootstrap announces this gateway too).
  const members = new ClusterMembers();
  await members.listen(ownBus);

  const context: GatewayContext = {
    settings,
    bus: ownBus,
    liveness: new InterfaceLiveness(ownBus),
    members,
    rings,
  };

  const limit = new InFlightLimit(settings.maxInFlight);
  app.addHook('onRequest', async (request, reply) => {
    if (exemptFromBackPressure.test(request.url)) return;
    const release = limit.tryAcquire();
    if (release === undefined) {
      throw GatewayErrors.overloaded.create(`more than ${limit.max} requests in flight`);
    }
    // 'close' fires once the response is sent and also when the client goes away first, so a slot is
    // never leaked by an aborted request.
    reply.raw.once('close', release);
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    const problem = toProblem(error, request.url, request.id);
    if (problem.status >= 500) request.log.error({ err: error, code: problem.body.code }, 'request failed');
    else request.log.info({ code: problem.body.code, status: problem.status }, 'request refused');
    // Sent as a string so that no route's response schema gets to serialise it.
    return reply.code(problem.status).headers(problem.headers).send(JSON.stringify(problem.body));
  });
  app.setNotFoundHandler((request) =>
    Promise.reject(GatewayErrors.routeNotFound.create(`No route ${request.method} ${request.url}.`)),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `Trellis API${apiModules.length === 0 ? '' : ` (${apiModules.map((api) => api.name).join(', ')})`}`,
        version: '1.0.0',
        description:
          'The gateway: every call becomes a bus call to a node family. Errors are application/problem+json ' +
          '(RFC 9457) with a stable type per error code.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: zodSwaggerTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // The API's routes in a context of their own, so the zod compilers do not meet the JSON Schemas of the
  // documentation routes.
  await app.register((api, _options, done) => {
    api.setValidatorCompiler(zodValidatorCompiler);
    // Replies are built from bus replies the bus already validated against the contract.
    api.setSerializerCompiler(() => (data) => JSON.stringify(data));
    for (const apiModule of apiModules) apiModule.register(api, context);
    registerClusterRoutes(api, context);
    done();
  });
  registerHealthRoutes(app, context);
  return app;
}
