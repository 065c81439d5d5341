// Runs one cart node: sessions and carts over the bus, each dataset shared across the cart family's ring as
// its settings say.
import { settings, telemetry } from './telemetry';

import { DataNode } from '@trellis/data';
import { bootstrapNode, createLogger } from '@trellis/node-kit';
import { createCartModule } from './cart.module';

const logger = createLogger({
  nodeId: settings.NODE_ID,
  family: settings.NODE_FAMILY,
  level: settings.LOG_LEVEL,
});

// The data node is created inside the Nest module; until the application exists the node is not ready anyway.
let dataNode: DataNode | undefined;

void bootstrapNode({
  module: createCartModule(settings, logger),
  settings,
  logger,
  telemetry,
  checks: { datasets: () => dataNode?.ready ?? false },
  describe: (app) => ({ datasets: app.get(DataNode).describe() }),
}).then((node) => {
  dataNode = node.app.get(DataNode);
});
