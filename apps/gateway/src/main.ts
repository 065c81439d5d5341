// Runs one gateway node: settings and telemetry first, then the Nest application (the bus and the Fastify
// HTTP server) under node-kit's bootstrap: health server, heartbeat, graceful shutdown, one-line start-up
// failures.
import { settings as values, telemetry } from './telemetry';

import { bootstrapNode, busOptionsFor, withNodeId } from '@trellis/node-kit';

import { GatewayModule } from './gateway.module';
import { KeyedRings } from './keyed-rings';
import { createLogger } from './logger';
import { gatewaySettingsFrom } from './settings';

const nodeSettings = withNodeId(values);
const settings = gatewaySettingsFrom(nodeSettings);
const logger = createLogger(settings);
const rings = new KeyedRings({ redisUrl: settings.redisUrl, dataPrefix: settings.dataPrefix, logger });

void bootstrapNode({
  module: GatewayModule.forRoot(
    settings,
    logger,
    { ...busOptionsFor(nodeSettings, logger), keyRouter: rings.keyRouter },
    rings,
  ),
  settings: nodeSettings,
  logger,
  telemetry,
});
