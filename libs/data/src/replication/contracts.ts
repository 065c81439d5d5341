// The interfaces nodes of one family use to replicate and repair their datasets. They travel on the node's
// data bus (its own broker connection) and go to one named node: the `to` field is the routing key, and the
// data bus routes a key to the node of that id.
import { defineCall, defineMessage } from '@trellis/contracts';
import { z } from 'zod';

const toNode = { kind: 'by-key', keyOf: (request: { to: string }) => request.to } as const;
const nodeId = z.string().min(1);
const datasetName = z.string().min(1);
const epoch = z.number().int().min(0);

/** The version of a write: the ring epoch it was made under, a hybrid clock, and the writer (a tie-break). */
export const version = z.tuple([epoch, z.number().int().min(0), nodeId]);
export type Version = z.infer<typeof version>;

/** One key of a share-nothing or share-something dataset as a replica holds it; `value: null` is a delete. */
export const entry = z.object({
  key: z.string(),
  value: z.unknown(),
  version,
  /** Epoch milliseconds after which the key is gone; 0 for never. */
  expiresAt: z.number().int().min(0),
});
export type Entry = z.infer<typeof entry>;

// Every data interface is at-most-once: the data layer retries what must be retried itself (a fetch) or
// turns the failure into an answer (a write short of its acknowledgements fails), and the replication
// queues are per node, so transient queues that vanish with their node are what they need.

/** The owner sends a write (or a leaving node its keys) to a replica; the replica merges by version. */
export const replicateEntries = defineCall({
  name: 'data.replicate',
  policy: 'at-most-once',
  request: z.object({ to: nodeId, from: nodeId, dataset: datasetName, epoch, entries: z.array(entry) }),
  reply: z.object({ accepted: z.boolean(), epoch }),
  routing: toNode,
  timeoutMs: 1_000,
  prefetch: 256,
});

/** A node that gained partitions asks a node that held them for their keys, before it serves them. */
export const fetchPartitions = defineCall({
  name: 'data.fetch',
  policy: 'at-most-once',
  request: z.object({
    to: nodeId,
    from: nodeId,
    dataset: datasetName,
    epoch,
    partitions: z.array(z.number().int().min(0)),
  }),
  reply: z.object({ entries: z.array(entry) }),
  routing: toNode,
  timeoutMs: 2_000,
});

/** Yjs updates by key (base64), pushed by the writer to every other member of a share-everything dataset. */
export const pushUpdates = defineMessage({
  name: 'data.push',
  policy: 'at-most-once',
  request: z.object({ to: nodeId, dataset: datasetName, updates: z.record(z.string(), z.string()) }),
  routing: toNode,
  prefetch: 256,
});

/**
 * Anti-entropy of a share-everything dataset: the caller sends its Yjs state vector per key (base64); the
 * peer answers with what the caller lacks (every key it holds, diffed against the caller's vector) and its own
 * state vectors, so the caller can push back what the peer lacks.
 */
export const syncUpdates = defineCall({
  name: 'data.sync',
  policy: 'at-most-once',
  request: z.object({ to: nodeId, dataset: datasetName, stateVectors: z.record(z.string(), z.string()) }),
  reply: z.object({
    updates: z.record(z.string(), z.string()),
    stateVectors: z.record(z.string(), z.string()),
  }),
  routing: toNode,
  timeoutMs: 5_000,
});

/** Tells a member that the ring has a newer epoch, so it re-reads it now rather than at its next heartbeat. */
export const announceRing = defineMessage({
  name: 'data.ringChanged',
  policy: 'at-most-once',
  request: z.object({ to: nodeId, epoch }),
  routing: toNode,
});
