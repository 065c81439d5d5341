// Runs one payments node: settings and telemetry first, then the logger and the Nest module under node-kit's
// bootstrap (health server, graceful shutdown, one-line start-up failures).
import { nodeSettings, settings, telemetry } from './telemetry';

import { bootstrapNode, busOptionsFor, createLogger } from '@trellis/node-kit';

import { createPaymentsModule } from './payments.module';
import { paymentsSettingsFrom } from './settings';

const logger = createLogger({
  nodeId: nodeSettings.NODE_ID,
  family: nodeSettings.NODE_FAMILY,
  level: nodeSettings.LOG_LEVEL,
});

void bootstrapNode({
  module: createPaymentsModule(paymentsSettingsFrom(settings), {
    logger,
    bus: busOptionsFor(nodeSettings, logger),
  }),
  settings: nodeSettings,
  logger,
  telemetry,
});
