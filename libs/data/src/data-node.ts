// A node's datasets on its family's ring: each dataset gets the implementation of its configured sharing
// strategy, and this class wires them to the ring's changes and to the data bus.
import { randomUUID } from 'node:crypto';
import type { Bus, KeyRouter } from '@trellis/bus';
import type { Membership, RingState } from '@trellis/ring';
import type { Logger } from 'pino';
import type { Dataset } from './dataset';
import type { DatasetDefinition } from './dataset-definition';
import { DataErrors } from './errors';
import { SharedDataset } from './everywhere/shared-dataset';
import { OwnedDataset } from './partitioned/owned-dataset';
import {
  announceRing,
  fetchPartitions,
  pushUpdates,
  replicateEntries,
  syncUpdates,
} from './replication/contracts';
import type { DatasetSharing } from './sharing';

/** One dataset of a node and how it is shared. */
export interface DatasetPlan {
  // The value type is the caller's business here; `dataset()` gives the typed dataset back.
  readonly definition: DatasetDefinition<unknown>;
  readonly sharing: DatasetSharing;
}

/** How a node's datasets run. */
export interface DataNodeOptions {
  /** This node's membership of its family's ring (not joined yet: `start()` joins it). */
  membership: Membership;
  /**
   * The node's data bus: a bus of its own broker connection, routed by {@link dataBusRouter}, where datasets
   * replicate, fetch and repair, apart from the requests the node serves.
   */
  dataBus: Bus;
  datasets: readonly DatasetPlan[];
  logger: Logger;
  /** How often share-everything datasets run anti-entropy with every member (default 5 s). */
  antiEntropyEveryMs?: number;
  /** How often expired keys and partitions no longer held are dropped (default 10 s). */
  sweepEveryMs?: number;
  /** How long a leaving node keeps answering fetches of its partitions (default 2 s). */
  handoffMs?: number;
}

/** What the cluster view shows of a dataset. */
export interface DatasetDescription {
  name: string;
  sharing: DatasetSharing['strategy'];
  replicas: number;
  writeAcks: number;
  merge: string;
}

/** The data bus's routing: every data interface names its target node in the key. */
export const dataBusRouter: KeyRouter = { nodeFor: (_contract, key) => key };

type AnyDataset = OwnedDataset<unknown> | SharedDataset<unknown>;

/**
 * Runs a node's datasets: `start()` serves the data interfaces on the data bus and joins the ring; every ring
 * change is passed to each dataset (which fetches or syncs what it now holds); `stop()` leaves the ring, tells
 * the other members, and keeps answering fetches for a moment so the new holders can take the data over.
 */
export class DataNode {
  private readonly datasets = new Map<string, AnyDataset>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly changes = new Set<Promise<void>>();

  constructor(private readonly options: DataNodeOptions) {
    // One id per process: a restarted node never writes into a doc as the writer it was before.
    const writerId = `${options.membership.nodeId}:${randomUUID()}`;
    for (const { definition, sharing } of options.datasets) {
      const common = {
        definition,
        membership: options.membership,
        dataBus: options.dataBus,
        logger: options.logger,
      };
      this.datasets.set(
        definition.name,
        sharing.strategy === 'everything'
          ? new SharedDataset({ ...common, writerId })
          : new OwnedDataset({ ...common, sharing }),
      );
    }
  }

  /** The dataset of that definition (as the node declared it). */
  dataset<Value>(definition: DatasetDefinition<Value>): Dataset<Value> {
    const dataset = this.datasets.get(definition.name);
    if (dataset === undefined)
      throw new Error(`dataset ${definition.name} is not one of this node's datasets`);
    return dataset as unknown as Dataset<Value>;
  }

  /** Serves the data interfaces, joins the ring and starts anti-entropy and sweeping. Rejects when Redis is down. */
  async start(): Promise<void> {
    const { dataBus, membership } = this.options;
    // First: every ring this node adopts, the first one included, must reach the datasets.
    membership.onChange((ring, previous) => this.follow(ring, previous));
    await dataBus.handle(replicateEntries, ({ from, dataset, epoch, entries }) =>
      this.owned(dataset).acceptReplicas(from, epoch, entries),
    );
    await dataBus.handle(fetchPartitions, async ({ dataset, epoch, partitions }) => ({
      entries: await this.owned(dataset).entriesFor(epoch, partitions),
    }));
    await dataBus.subscribe(pushUpdates, ({ dataset, updates }) => this.shared(dataset).applyPushed(updates));
    await dataBus.handle(syncUpdates, ({ dataset, stateVectors }) =>
      this.shared(dataset).answerSync(stateVectors),
    );
    await dataBus.subscribe(announceRing, async ({ epoch }) => {
      await membership.catchUpWith(epoch);
    });
    await membership.join();
    const shared = [...this.datasets.values()].filter((dataset) => dataset instanceof SharedDataset);
    this.every(this.options.antiEntropyEveryMs ?? 5_000, async () => {
      await Promise.all(shared.map((dataset) => dataset.antiEntropy()));
    });
    this.every(this.options.sweepEveryMs ?? 10_000, () => {
      const now = Date.now();
      for (const dataset of this.datasets.values()) dataset.sweep(now);
    });
  }

  /**
   * The ring this node acts under (the one it last adopted), undefined before it joined. It may lag the stored
   * ring by up to a heartbeat; tests wait for every node to have adopted the same epoch before they aim calls.
   */
  get ring(): RingState | undefined {
    return this.options.membership.current();
  }

  /** True once every dataset has fetched or synced what it holds, and this node still holds its ring lease. */
  get ready(): boolean {
    return (
      this.options.membership.holdsLease() && [...this.datasets.values()].every((dataset) => dataset.caughtUp)
    );
  }

  /** The datasets and their sharing, for the node's heartbeat and the cluster view. */
  describe(): DatasetDescription[] {
    return this.options.datasets.map(({ definition, sharing }) => ({
      name: definition.name,
      sharing: sharing.strategy,
      replicas: sharing.replicas,
      writeAcks: sharing.writeAcks,
      merge: definition.merge.name,
    }));
  }

  /**
   * Leaves the ring (this node refuses owned keys from then on), tells the remaining members so they fetch
   * its partitions now, and answers their fetches for `handoffMs` before it returns. The data bus stays open;
   * its owner closes it afterwards.
   */
  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    const ring = await this.options.membership.leave();
    if (ring !== undefined) {
      await this.announce(ring);
      await new Promise((resolve) => setTimeout(resolve, this.options.handoffMs ?? 2_000));
    }
    await Promise.allSettled([...this.changes]);
  }

  private follow(ring: RingState, previous: RingState | undefined): void {
    const change = Promise.all(
      [...this.datasets.values()].map((dataset) => dataset.onRingChange(ring, previous)),
    ).then(
      () => undefined,
      (error: unknown) =>
        this.options.logger.warn({ err: error, epoch: ring.epoch }, 'ring change not followed'),
    );
    this.changes.add(change);
    void change.finally(() => this.changes.delete(change));
    // Members learn of the change now rather than at their next heartbeat; the gateway polls the ring anyway.
    void this.announce(ring);
  }

  private async announce(ring: RingState): Promise<void> {
    const self = this.options.membership.nodeId;
    await Promise.all(
      ring.members
        .filter((member) => member !== self)
        .map((to) =>
          this.options.dataBus.emit(announceRing, { to, epoch: ring.epoch }).catch(() => undefined),
        ),
    );
  }

  private every(intervalMs: number, task: () => unknown): void {
    const timer = setInterval(() => {
      Promise.resolve()
        .then(task)
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'data housekeeping failed'));
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  private owned(name: string): OwnedDataset<unknown> {
    const dataset = this.datasets.get(name);
    if (!(dataset instanceof OwnedDataset)) {
      throw DataErrors.corruptValue.create(
        `no share-nothing or share-something dataset ${name} on this node`,
      );
    }
    return dataset;
  }

  private shared(name: string): SharedDataset<unknown> {
    const dataset = this.datasets.get(name);
    if (!(dataset instanceof SharedDataset)) {
      throw DataErrors.corruptValue.create(`no share-everything dataset ${name} on this node`);
    }
    return dataset;
  }
}
