// Three cart nodes under one sharing strategy, and the callers the data bench drives them with: one that routes
// by the cart family's ring as the gateway does, and one per node that aims every call at that node.
import { Bus } from '@trellis/bus';
import { RingObserver, ringKeyRouter } from '@trellis/ring';
import { freePort, waitFor } from '@trellis/testing';
import type { Logger } from 'pino';
import type { CartNode } from './cart-node';
import { startCartNode } from './cart-node';

/** Where the nodes run and how. */
export interface CartClusterOptions {
  readonly amqpUrl: string;
  readonly redisUrl: string;
  /** This cluster's DATA_PREFIX; no other cluster uses it. */
  readonly dataPrefix: string;
  readonly nodeIds: readonly string[];
  /** DATASET_* settings of the strategy under test. */
  readonly datasetEnv: Readonly<Record<string, string>>;
  readonly logLevel: string;
  readonly readyTimeoutMs: number;
  readonly verbose: boolean;
  readonly logger: Logger;
}

/** A running cluster. */
export interface CartCluster {
  /** Routes `sessions.*` and `cart.*` by the ring, as the gateway does. */
  readonly caller: Bus;
  /** Sends every keyed call to that node's own queue, whoever owns the key. */
  aimedAt(nodeId: string): Bus;
  /** The nodes' last output, for failure messages. */
  outputs(): string;
  /** Stops callers and nodes; says which nodes did not stop cleanly. Safe to call more than once. */
  stop(): Promise<string[]>;
}

/** Long enough for a node's drain, its ring hand-off (2 s) and SHUTDOWN_TIMEOUT_MS (10 s). */
const nodeStopTimeoutMs = 15_000;

/**
 * Starts the nodes at once and resolves when every one is ready (its datasets caught up) and the ring, as a
 * caller reads it, has all of them as members. On a failure everything started is stopped and the error
 * carries the nodes' output.
 */
export async function startCartCluster(options: CartClusterOptions): Promise<CartCluster> {
  const nodes: CartNode[] = [];
  const buses: Bus[] = [];
  const observer = new RingObserver({
    url: options.redisUrl,
    prefix: options.dataPrefix,
    family: 'cart',
    logger: options.logger,
  });
  let observing = false;
  let stopped: Promise<string[]> | undefined;

  const stop = (): Promise<string[]> =>
    (stopped ??= (async () => {
      await Promise.allSettled(buses.map((bus) => bus.close()));
      if (observing) await observer.stop();
      const ends = await Promise.all(nodes.map((node) => node.stop(nodeStopTimeoutMs)));
      return ends.flatMap((end, i) => (end.clean ? [] : [`${nodes[i]?.nodeId ?? '?'}: ${end.how}`]));
    })());
  const outputs = (): string =>
    nodes.map((node) => `--- ${node.nodeId} (last lines) ---\n${lastLines(node.output(), 15)}`).join('\n');

  try {
    for (const nodeId of options.nodeIds) {
      nodes.push(
        startCartNode({
          nodeId,
          healthPort: await freePort(),
          verbose: options.verbose,
          env: {
            AMQP_URL: options.amqpUrl,
            REDIS_URL: options.redisUrl,
            DATA_PREFIX: options.dataPrefix,
            LOG_LEVEL: options.logLevel,
            ...options.datasetEnv,
          },
        }),
      );
    }
    await Promise.all(nodes.map((node) => node.ready(options.readyTimeoutMs)));
    await observer.start();
    observing = true;
    await waitFor(
      () => {
        const members = observer.current()?.members ?? [];
        return options.nodeIds.every((nodeId) => members.includes(nodeId));
      },
      { timeoutMs: options.readyTimeoutMs, description: 'every cart node in the ring' },
    );
    buses.push(
      await Bus.connect({
        url: options.amqpUrl,
        logger: options.logger,
        nodeId: 'bench-caller',
        keyRouter: ringKeyRouter({ sessions: observer, cart: observer }),
      }),
    );
    const aimed = new Map<string, Bus>();
    for (const nodeId of options.nodeIds) {
      const bus = await Bus.connect({
        url: options.amqpUrl,
        logger: options.logger,
        nodeId: `bench-caller-aimed-at-${nodeId}`,
        keyRouter: { nodeFor: () => nodeId },
      });
      buses.push(bus);
      aimed.set(nodeId, bus);
    }
    const [caller] = buses;
    if (caller === undefined) throw new Error('no caller');
    return {
      caller,
      aimedAt(nodeId) {
        const bus = aimed.get(nodeId);
        if (bus === undefined) throw new Error(`no cart node ${nodeId}`);
        return bus;
      },
      outputs,
      stop,
    };
  } catch (error) {
    const detail = outputs();
    await stop().catch(() => undefined);
    throw new Error(
      `the cart nodes did not start: ${error instanceof Error ? error.message : String(error)}\n${detail}`,
      { cause: error },
    );
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
