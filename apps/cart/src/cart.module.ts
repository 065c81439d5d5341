// The cart node's Nest module: its bus, its two datasets and its handlers, built from validated settings.
import { Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { Bus } from '@trellis/bus';
import { BusModule } from '@trellis/bus-nest';
import { RedisDataStore } from '@trellis/data';
import { busOptionsFor } from '@trellis/node-kit';
import type { Logger } from 'pino';
import { cartSchema } from './cart';
import { CartHandlers } from './cart.handlers';
import { BusBookCatalog } from './catalog-client';
import { sessionSchema } from './session';
import { SessionCarts } from './session-carts';
import { SessionsHandlers } from './sessions.handlers';
import type { CartSettings } from './settings';

/** Closes the store once the bus has drained (`onApplicationShutdown` runs after the bus's own hook). */
@Injectable()
class DataStoreCloser implements OnApplicationShutdown {
  // Explicit tokens: tsx (which runs the nodes) emits no decorator metadata for Nest to read the types from.
  constructor(@Inject(RedisDataStore) private readonly store: RedisDataStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** The root module of a cart node (its providers come from {@link createCartModule}). */
@Module({})
export class CartModule {}

/**
 * The cart node's root module for these settings: the bus, the `sessions` and `carts` datasets and the
 * handlers of the sessions.* and cart.* interfaces. Starting it fails when the broker or the store cannot be
 * reached. Until the ring lands both datasets live in Redis, shared by every cart node, so any node can
 * serve any session.
 */
export function createCartModule(settings: CartSettings, logger: Logger): DynamicModule {
  return {
    module: CartModule,
    imports: [BusModule.forRoot(busOptionsFor(settings, logger))],
    providers: [
      {
        provide: RedisDataStore,
        useFactory: () =>
          RedisDataStore.connect({ url: settings.REDIS_URL, prefix: settings.DATA_PREFIX, logger }),
      },
      DataStoreCloser,
      {
        provide: SessionCarts,
        useFactory: (store: RedisDataStore, bus: Bus) =>
          new SessionCarts(
            store.dataset({
              name: 'sessions',
              schema: sessionSchema,
              ttlSeconds: settings.SESSION_TTL_S,
            }),
            // A cart lives as long as a session would: it expires once nobody can reach it.
            store.dataset({ name: 'carts', schema: cartSchema, ttlSeconds: settings.SESSION_TTL_S }),
            new BusBookCatalog(bus),
          ),
        inject: [RedisDataStore, Bus],
      },
      SessionsHandlers,
      CartHandlers,
    ],
  };
}
