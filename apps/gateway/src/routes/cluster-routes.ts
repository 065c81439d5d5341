import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import { calledInterfaces, interfaceView } from '../called-interfaces';
import type { RouteDependencies } from '../route-dependencies';

const clusterView = z.object({
  interfaces: z.array(
    z.object({
      name: z.string(),
      family: z.string(),
      kind: z.enum(['call', 'message']),
      policy: z.enum(['at-most-once', 'at-least-once', 'exactly-once']),
      routing: z.enum(['any', 'by-key']),
      timeoutMs: z.number().int(),
      liveHandlers: z.number().int().describe('Nodes consuming the interface now (calls only).').optional(),
      retry: z.object({
        maxAttempts: z.number().int(),
        initialDelayMs: z.number().int(),
        maxDelayMs: z.number().int(),
      }),
    }),
  ),
  liveNodes: z
    .array(
      z.object({
        nodeId: z.string(),
        family: z.string(),
        nodeType: z.string(),
        pid: z.number().int(),
        startedAt: z.string(),
        lastSeenAt: z.string(),
        intervalMs: z.number().int(),
      }),
    )
    .describe('The nodes heard from in their last three heartbeats.'),
});

/**
 * `GET /v1/cluster` for operators: the live nodes (id, node type, family, pid, start time, from their
 * heartbeats) and each interface the gateway depends on with its retry strategy, timeout and how many nodes
 * serve it now. Not yet behind operator authentication.
 */
export function registerClusterRoutes(
  app: FastifyInstance,
  deps: Pick<RouteDependencies, 'liveness' | 'members'>,
): void {
  app.get(
    '/v1/cluster',
    {
      schema: {
        tags: ['operations'],
        summary: "The live nodes, and the interfaces the gateway calls with each one's policy and timeout",
        response: { 200: clusterView },
      },
    },
    async (_request, reply) => {
      const live = await deps.liveness.liveHandlers();
      const interfaces = calledInterfaces.map((contract) => {
        const handlers = live[contract.name];
        return handlers === undefined
          ? interfaceView(contract)
          : { ...interfaceView(contract), liveHandlers: handlers };
      });
      return reply.send({ interfaces, liveNodes: deps.members.live() });
    },
  );
}
