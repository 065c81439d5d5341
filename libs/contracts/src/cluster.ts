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
});

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
