// Runs one catalog node (a service node): the books and their prices, served over the bus.
import { settings, telemetry } from './telemetry';
import { bootstrapNode, busOptionsFor, createLogger } from '@trellis/node-kit';
import { createCatalogModule } from './catalog.module';

const logger = createLogger({
  nodeId: settings.NODE_ID,
  family: settings.NODE_FAMILY,
  level: settings.LOG_LEVEL,
});
const bus = busOptionsFor(settings, logger);

// bootstrapNode owns the process from here on: start-up failures and signals end in its exits.
void bootstrapNode({
  module: createCatalogModule(
    {
      amqpUrl: bus.url,
      busPrefix: settings.BUS_PREFIX,
      nodeId: settings.NODE_ID,
      databaseUrl: settings.DATABASE_URL,
      databaseSchema: settings.DATABASE_SCHEMA,
      shutdownTimeoutMs: bus.shutdownTimeoutMs ?? settings.SHUTDOWN_TIMEOUT_MS,
    },
    logger,
  ),
  settings,
  logger,
  telemetry,
});
