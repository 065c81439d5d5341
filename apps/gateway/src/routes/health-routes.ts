import type { FastifyInstance } from 'fastify';

import type { GatewayContext } from '../gateway-api';

/**
 * `GET /health/live` (the process answers) and `GET /health/ready`: the bus is connected and every interface
 * the gateway calls has at least one live node (so a request would not fail for want of a family).
 */
export function registerHealthRoutes(app: FastifyInstance, deps: GatewayContext): void {
  app.get('/health/live', { schema: { hide: true } }, (_request, reply) => reply.send({ status: 'up' }));

  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    const connected = deps.bus.isConnected;
    const missing = connected ? await deps.liveness.missing() : [];
    const ready = connected && missing.length === 0;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'up' : 'down',
      checks: {
        bus: { status: connected ? 'up' : 'down', nodeId: deps.bus.nodeId },
        families: { status: missing.length === 0 ? 'up' : 'down', withoutLiveNode: missing },
      },
    });
  });
}
