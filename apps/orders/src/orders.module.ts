import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { Bus } from '@trellis/bus';
import { BusModule } from '@trellis/bus-nest';
import type { Database } from '@trellis/database';
import type { Logger } from 'pino';
import { ChargeClient } from './charge-client';
import { Checkout } from './checkout';
import { OrderReconciler } from './order-reconciler';
import { OrderRepository } from './order.repository';
import { ordersDatabase, ordersDatabaseModule } from './orders-database';
import { OrdersHandlers } from './orders.handlers';
import type { OrdersSettings } from './orders-settings';

/** The orders node's root module (see {@link createOrdersModule}). */
@Module({})
export class OrdersModule {}

/**
 * The orders node as a Nest module: its database (schema migrated at start), its bus (exactly-once inbox and
 * outbox in the same schema), the `orders.place` and `orders.get` handlers, and the reconciler of pending
 * orders.
 */
export function createOrdersModule(settings: OrdersSettings, logger: Logger): DynamicModule {
  const database = ordersDatabaseModule(settings, logger);
  return {
    module: OrdersModule,
    imports: [
      database,
      BusModule.forRootAsync({
        imports: [database],
        inject: [ordersDatabase],
        useFactory: (db: Database) => ({
          url: settings.amqpUrl,
          prefix: settings.busPrefix,
          nodeId: settings.nodeId,
          logger,
          shutdownTimeoutMs: settings.shutdownTimeoutMs,
          exactlyOnce: { pool: db.pool, schema: db.schema },
        }),
      }),
    ],
    providers: [
      { provide: OrderRepository, useValue: new OrderRepository() },
      {
        provide: ChargeClient,
        inject: [Bus],
        useFactory: (bus: Bus) => new ChargeClient(bus, settings.chargeBudgetMs, logger),
      },
      {
        provide: Checkout,
        inject: [Bus, ChargeClient, OrderRepository],
        useFactory: (bus: Bus, charges: ChargeClient, orders: OrderRepository) =>
          new Checkout(bus, charges, orders, settings.priceBudgetMs),
      },
      {
        provide: OrderReconciler,
        inject: [Bus, ordersDatabase, ChargeClient, OrderRepository],
        useFactory: (bus: Bus, db: Database, charges: ChargeClient, orders: OrderRepository) =>
          new OrderReconciler(bus, db, charges, orders, {
            intervalMs: settings.reconcileIntervalMs,
            batch: settings.reconcileBatch,
            logger: logger.child({ component: 'reconciler' }),
          }),
      },
      OrdersHandlers,
    ],
  };
}
