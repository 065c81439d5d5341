import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import { calledInterfaces, interfaceView } from '../called-interfaces';
import type { ClusterMember } from '../cluster-members';
import type { GatewayContext } from '../gateway-api';

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
  datasets: z
    .array(
      z.object({
        family: z.string(),
        name: z.string(),
        sharing: z.enum(['nothing', 'something', 'everything']),
        replicas: z.number().int().describe('Nodes holding each key, owner first; 0 means every member.'),
        writeAcks: z.number().int(),
        merge: z.string(),
        epoch: z.number().int().describe('The ring epoch of the family (0 before its first member joined).'),
        members: z.array(z.string()),
        preferenceList: z
          .array(z.string())
          .describe("With ?key=K: the nodes that hold K's data, owner first.")
          .optional(),
      }),
    )
    .describe('Keyed datasets of the live nodes, with their sharing strategy, as their nodes announce them.'),
});

const clusterQuery = z.object({
  key: z
    .string()
    .min(1)
    .max(256)
    .describe('A dataset key (a session id) to show the preference list of.')
    .optional(),
});

/**
 * `GET /v1/cluster` for operators: the live nodes (id, node type, family, pid, start time, from their
 * heartbeats), each interface the gateway depends on with its retry strategy, timeout and how many nodes
 * serve it now, and each keyed dataset with its sharing strategy and ring (with `?key=K`, the nodes holding
 * K, owner first). Not yet behind operator authentication.
 */
export function registerClusterRoutes(
  app: FastifyInstance,
  deps: Pick<GatewayContext, 'liveness' | 'members' | 'rings'>,
): void {
  app.get(
    '/v1/cluster',
    {
      schema: {
        tags: ['operations'],
        summary: "The live nodes, and the interfaces the gateway calls with each one's policy and timeout",
        querystring: clusterQuery,
        response: { 200: clusterView },
      },
    },
    async (request, reply) => {
      const { key } = request.query as z.output<typeof clusterQuery>;
      const live = await deps.liveness.liveHandlers();
      const interfaces = calledInterfaces.map((contract) => {
        const handlers = live[contract.name];
        return handlers === undefined
          ? interfaceView(contract)
          : { ...interfaceView(contract), liveHandlers: handlers };
      });
      const liveNodes = deps.members.live();
      return reply.send({ interfaces, liveNodes, datasets: datasetsView(liveNodes, deps.rings, key) });
    },
  );
}

/** Each family's datasets as its first live node announces them, with the family's ring. */
function datasetsView(
  liveNodes: readonly ClusterMember[],
  rings: GatewayContext['rings'],
  key: string | undefined,
): z.output<typeof clusterView>['datasets'] {
  const seen = new Set<string>();
  const view: z.output<typeof clusterView>['datasets'] = [];
  for (const node of liveNodes) {
    if (node.datasets === undefined || node.datasets.length === 0 || seen.has(node.family)) continue;
    seen.add(node.family);
    const ring = rings.ringOf(node.family);
    for (const dataset of node.datasets) {
      const members = [...(ring?.members ?? [])];
      const holders = dataset.replicas === 0 ? members.length : dataset.replicas;
      view.push({
        family: node.family,
        ...dataset,
        epoch: ring?.epoch ?? 0,
        members,
        ...(key === undefined ? {} : { preferenceList: rings.preferenceList(node.family, key, holders) }),
      });
    }
  }
  return view;
}
