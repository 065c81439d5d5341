// Runs one payments node: telemetry first, then settings, logger, and the Nest module under node-kit's
// bootstrap (health server, graceful shutdown, one-line start-up failures).
import { telemetry } from './telemetry';

import { bootstrapNode, busOptionsFor, createLogger, loadSettings } from '@trellis/node-kit';

import { paymentsNodeSettings } from './node-settings';
import { createPaymentsModule } from './payments.module';
import { loadSettings as loadPaymentsSettings, SettingsError } from './settings';
import type { PaymentsSettings } from './settings';

function paymentsSettingsOrExit(): PaymentsSettings {
  try {
    return loadPaymentsSettings(process.env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    // No logger yet: its level is one of the settings.
    process.stderr.write(`${error.message}\n`);
    return process.exit(1);
  }
}

const nodeSettings = loadSettings(paymentsNodeSettings);
const settings = paymentsSettingsOrExit();
const logger = createLogger({
  nodeId: nodeSettings.NODE_ID,
  family: nodeSettings.NODE_FAMILY,
  level: nodeSettings.LOG_LEVEL,
});

void bootstrapNode({
  module: createPaymentsModule(settings, { logger, bus: busOptionsFor(nodeSettings, logger) }),
  settings: nodeSettings,
  logger,
  telemetry,
});
