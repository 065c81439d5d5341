import type { FastifyInstance } from 'fastify';

import type { RouteDependencies } from '../route-dependencies';

/**
 * `GET /health/live` (the process answers) and `GET /health/ready` (the bus is connected, so requests can be
 * served). Readiness does not yet check that a node of each needed family answers: that needs the
 * membership view, which comes later.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: RouteDependencies): void {
  app.get('/health/live', { schema: { hide: true } }, (_request, reply) => reply.send({ status: 'up' }));

  app.get('/health/ready', { schema: { hide: true } }, (_request, reply) => {
    const connected = deps.bus.isConnected;
    return reply.code(connected ? 200 : 503).send({
      status: connected ? 'up' : 'down',
      checks: { bus: { status: connected ? 'up' : 'down', nodeId: deps.bus.nodeId } },
    });
  });
}
