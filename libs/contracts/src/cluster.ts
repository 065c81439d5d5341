import { z } from 'zod';
import { defineMessage } from './contract';

/** What a node says about itself, every few seconds, so that operators and callers see who is alive. */
export const nodeDescription = z.object({
  nodeId: z.string().min(1),
  family: z.string().min(1),
  nodeType: z.enum(['front-end', 'logic', 'service', 'external']),
  pid: z.number().int().positive(),
  startedAt: z.string(),
  /** How often this node announces itself: a listener declares it dead after a few missed beats. */
  intervalMs: z.number().int().positive(),
  /** The node's datasets and how each is shared across its family's ring (logic nodes with data only). */
  datasets: z
    .array(
      z.object({
        name: z.string().min(1),
        sharing: z.enum(['nothing', 'something', 'everything']),
        /** Nodes holding each key (owner first); 0 for share-everything: every member. */
        replicas: z.number().int().min(0),
        writeAcks: z.number().int().min(1),
        merge: z.string().min(1),
      }),
    )
    .optional(),
});

/** What a node says about itself in its heartbeat. */
export type NodeDescription = z.infer<typeof nodeDescription>;

/**
 * A node's heartbeat. At-most-once: a lost beat costs nothing (the next one comes), and a beat delivered late
 * is no better than none.
 */
export const nodeHeartbeat = defineMessage({
  name: 'cluster.heartbeat',
  policy: 'at-most-once',
  request: nodeDescription,
  prefetch: 256,
});
