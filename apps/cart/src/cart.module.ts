// The cart node's Nest module: its bus, its data bus and ring membership, its two datasets and its handlers,
// built from validated settings.
import { Inject, Injectable, Module } from '@nestjs/common';
import type {
  DynamicModule,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { Bus } from '@trellis/bus';
import { BusModule } from '@trellis/bus-nest';
import { DataNode, dataBusRouter, sharingOf } from '@trellis/data';
import { busOptionsFor } from '@trellis/node-kit';
import { Membership } from '@trellis/ring';
import type { Logger } from 'pino';
import { CartHandlers } from './cart.handlers';
import { BusBookCatalog } from './catalog-client';
import { cartDatasets } from './datasets';
import { SessionCarts } from './session-carts';
import { SessionsHandlers } from './sessions.handlers';
import type { CartSettings } from './settings';

/** The bus of the node's replication traffic (its own broker connection). */
export const DATA_BUS = Symbol('DATA_BUS');

/**
 * Joins the ring once the handlers consume (so no call routed here finds no queue), leaves it before the bus
 * drains (so callers move to the new owners while this node still answers their fetches), and closes the data
 * bus last.
 */
@Injectable()
class DataNodeLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  // Explicit tokens: tsx (which runs the nodes) emits no decorator metadata for Nest to read the types from.
  constructor(
    @Inject(DataNode) private readonly dataNode: DataNode,
    @Inject(DATA_BUS) private readonly dataBus: Bus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.dataNode.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.dataNode.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dataBus.close();
  }
}

/** The root module of a cart node (its providers come from {@link createCartModule}). */
@Module({})
export class CartModule {}

/**
 * The cart node's root module for these settings: the bus, the data bus, the ring membership, the `sessions`
 * and `carts` datasets with their configured sharing, and the handlers of the sessions.* and cart.*
 * interfaces. Starting it fails when the broker or Redis cannot be reached.
 */
export function createCartModule(settings: CartSettings, logger: Logger): DynamicModule {
  const datasets = cartDatasets(settings.SESSION_TTL_S);
  return {
    module: CartModule,
    imports: [BusModule.forRoot(busOptionsFor(settings, logger))],
    providers: [
      {
        provide: DATA_BUS,
        useFactory: () =>
          Bus.connect({
            ...busOptionsFor(settings, logger.child({ bus: 'data' })),
            url: settings.DATA_AMQP_URL ?? settings.AMQP_URL,
            keyRouter: dataBusRouter,
          }),
      },
      {
        provide: DataNode,
        useFactory: (dataBus: Bus) =>
          new DataNode({
            membership: new Membership({
              url: settings.REDIS_URL,
              prefix: settings.DATA_PREFIX,
              family: settings.NODE_FAMILY,
              nodeId: settings.NODE_ID,
              partitionCount: settings.RING_PARTITIONS,
              deadAfterMs: settings.MEMBERSHIP_DEAD_AFTER_MS,
              logger,
            }),
            dataBus,
            datasets: [
              { definition: datasets.sessions, sharing: sharingOf(settings, 'sessions') },
              { definition: datasets.carts, sharing: sharingOf(settings, 'carts') },
            ],
            antiEntropyEveryMs: settings.ANTI_ENTROPY_MS,
            logger,
          }),
        inject: [DATA_BUS],
      },
      DataNodeLifecycle,
      {
        provide: SessionCarts,
        useFactory: (dataNode: DataNode, bus: Bus) =>
          new SessionCarts(
            dataNode.dataset(datasets.sessions),
            dataNode.dataset(datasets.carts),
            new BusBookCatalog(bus),
          ),
        inject: [DataNode, Bus],
      },
      SessionsHandlers,
      CartHandlers,
    ],
  };
}
