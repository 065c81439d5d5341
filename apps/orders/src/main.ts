// Runs one orders node (a logic node): checkout over the bus, and the reconciler of pending orders.
import { settings, telemetry } from './telemetry';
import { bootstrapNode, busOptionsFor, createLogger } from '@trellis/node-kit';
import { createOrdersModule } from './orders.module';

const logger = createLogger({
  nodeId: settings.NODE_ID,
  family: settings.NODE_FAMILY,
  level: settings.LOG_LEVEL,
});
const bus = busOptionsFor(settings, logger);

// bootstrapNode owns the process from here on: start-up failures and signals end in its exits.
void bootstrapNode({
  module: createOrdersModule(
    {
      amqpUrl: bus.url,
      busPrefix: settings.BUS_PREFIX,
      nodeId: settings.NODE_ID,
      databaseUrl: settings.DATABASE_URL,
      databaseSchema: settings.DATABASE_SCHEMA,
      shutdownTimeoutMs: bus.shutdownTimeoutMs ?? settings.SHUTDOWN_TIMEOUT_MS,
      priceBudgetMs: settings.ORDERS_PRICE_BUDGET_MS,
      chargeBudgetMs: settings.ORDERS_CHARGE_BUDGET_MS,
      reconcileIntervalMs: settings.ORDERS_RECONCILE_INTERVAL_MS,
      reconcileBatch: settings.ORDERS_RECONCILE_BATCH,
    },
    logger,
  ),
  settings,
  logger,
  telemetry,
});
