import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import { calledInterfaces, interfaceView } from '../called-interfaces';

const clusterView = z.object({
  interfaces: z.array(
    z.object({
      name: z.string(),
      family: z.string(),
      kind: z.enum(['call', 'message']),
      policy: z.enum(['at-most-once', 'at-least-once', 'exactly-once']),
      routing: z.enum(['any', 'by-key']),
      timeoutMs: z.number().int(),
      retry: z.object({
        maxAttempts: z.number().int(),
        initialDelayMs: z.number().int(),
        maxDelayMs: z.number().int(),
      }),
    }),
  ),
  liveNodes: z.null().describe('Live nodes per family; null until the membership view exists.'),
});

/**
 * `GET /v1/cluster` for operators: each interface the gateway depends on with its retry strategy and timeout.
 * The live nodes of each family come with the membership piece; until then `liveNodes` is null. Not yet
 * behind operator authentication: it shows only what the contracts already publish.
 */
export function registerClusterRoutes(app: FastifyInstance): void {
  const view = { interfaces: calledInterfaces.map(interfaceView), liveNodes: null };
  app.get(
    '/v1/cluster',
    {
      schema: {
        tags: ['operations'],
        summary: "The interfaces the gateway calls, with each one's policy and timeout",
        response: { 200: clusterView },
      },
    },
    (_request, reply) => reply.send(view),
  );
}
