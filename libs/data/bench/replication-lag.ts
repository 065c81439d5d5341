// Share-everything's replication lag as a client sees it: a write acknowledged by one node, then reads at the
// other nodes until they show it.
import { performance } from 'node:perf_hooks';
import type { Bus } from '@trellis/bus';
import { getCart, setCartItem } from '@trellis/contracts';
import { percentile } from './closed-loop';

/** The lag at one reading node over every sample. */
export interface NodeLag {
  readonly nodeId: string;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Samples the node showed at its first read after the acknowledgement. */
  readonly atFirstRead: number;
  /** Samples the node had not shown by the deadline (each one a failure of the strategy's promise). */
  readonly neverSeen: number;
  /** Reads that failed (polling went on until the deadline). */
  readonly readErrors: number;
}

/** The lag at every reading node, and the writes that failed (those samples were skipped). */
export interface LagMeasurement {
  readonly writer: string;
  readonly nodes: readonly NodeLag[];
  readonly writeErrors: number;
  readonly firstError: string | undefined;
}

/** How to sample. */
export interface LagOptions {
  /** Writes go to this node. */
  readonly writerId: string;
  readonly writer: Bus;
  /** Reads go to each of these, by node id. */
  readonly readers: ReadonlyMap<string, Bus>;
  readonly sessionIds: readonly string[];
  readonly samples: number;
  /** How long one reader may take to show one write. */
  readonly deadlineMs: number;
}

/**
 * For each sample: sets a book never set before (`lag-<i>`) in a session's cart through the writer, then reads
 * that cart at every reader back-to-back (no pause: the resolution is one read round trip) until the book is
 * there. The lag is from the writer's acknowledgement to the reply of the first read that shows the book, so it
 * includes up to one read round trip. One sample at a time, on an otherwise idle cluster.
 */
export async function measureReplicationLag(options: LagOptions): Promise<LagMeasurement> {
  const lags = new Map<
    string,
    { values: number[]; atFirstRead: number; neverSeen: number; readErrors: number }
  >();
  for (const nodeId of options.readers.keys())
    lags.set(nodeId, { values: [], atFirstRead: 0, neverSeen: 0, readErrors: 0 });
  let writeErrors = 0;
  let firstError: string | undefined;
  const failed = (error: unknown): void => {
    firstError ??= error instanceof Error ? error.message : String(error);
  };

  for (let i = 0; i < options.samples; i += 1) {
    const sessionId = options.sessionIds[i % options.sessionIds.length];
    if (sessionId === undefined) throw new Error('no sessions to sample with');
    const bookId = `lag-${i}`;
    try {
      await options.writer.call(setCartItem, { sessionId, bookId, quantity: 1 });
    } catch (error) {
      writeErrors += 1;
      failed(error);
      continue;
    }
    const acknowledgedAt = performance.now();
    await Promise.all(
      [...options.readers].map(async ([nodeId, reader]) => {
        const lag = lags.get(nodeId);
        if (lag === undefined) return;
        const deadline = acknowledgedAt + options.deadlineMs;
        for (let reads = 1; performance.now() < deadline; reads += 1) {
          const cart = await reader.call(getCart, { sessionId }).catch((error: unknown) => {
            lag.readErrors += 1;
            failed(error);
            return { items: [] };
          });
          if (cart.items.some((item) => item.bookId === bookId)) {
            lag.values.push(performance.now() - acknowledgedAt);
            if (reads === 1) lag.atFirstRead += 1;
            return;
          }
        }
        lag.neverSeen += 1;
      }),
    );
  }

  const nodes = [...lags].map(([nodeId, { values, atFirstRead, neverSeen, readErrors }]) => {
    const sorted = Float64Array.from(values).sort();
    return {
      nodeId,
      samples: sorted.length,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.at(-1) ?? Number.NaN,
      atFirstRead,
      neverSeen,
      readErrors,
    };
  });
  return { writer: options.writerId, nodes, writeErrors, firstError };
}
