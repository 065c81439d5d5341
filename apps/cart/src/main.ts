// Runs one cart node: sessions and carts over the bus, both datasets in Redis until the ring lands.
import { settings, telemetry } from './telemetry';

import { RedisDataStore } from '@trellis/data';
import { bootstrapNode, createLogger } from '@trellis/node-kit';
import { createCartModule } from './cart.module';

const logger = createLogger({
  nodeId: settings.NODE_ID,
  family: settings.NODE_FAMILY,
  level: settings.LOG_LEVEL,
});

// The store is created inside the Nest module; until the application exists the node is not ready anyway.
let store: RedisDataStore | undefined;

void bootstrapNode({
  module: createCartModule(settings, logger),
  settings,
  logger,
  telemetry,
  checks: { store: () => store?.isReady ?? false },
}).then((node) => {
  store = node.app.get(RedisDataStore);
});
