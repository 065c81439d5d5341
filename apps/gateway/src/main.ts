// Runs one gateway node: telemetry first, then settings, the HTTP app, and a graceful shutdown.
import { telemetry } from './telemetry';

import { createGatewayApp } from './app';
import { createLogger } from './logger';
import { loadSettings, SettingsError } from './settings';
import type { GatewaySettings } from './settings';

function settingsOrExit(): GatewaySettings {
  try {
    return loadSettings(process.env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    // No logger yet: its level is one of the settings that failed to load.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const settings = settingsOrExit();
  const logger = createLogger(settings);
  const app = await createGatewayApp(settings, undefined, logger);

  let closing = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'gateway closing: finishing requests in flight');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: settings.shutdownTimeoutMs }, 'gateway did not close in time');
      process.exit(1);
    }, settings.shutdownTimeoutMs);
    // Closes the listener, lets requests in flight finish, then closes the bus (an onClose hook).
    await app.close();
    await telemetry.shutdown();
    clearTimeout(deadline);
    // Exit by running out of work rather than process.exit(), so pino flushes its last lines.
    logger.info('gateway closed');
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutdown(signal));
  }

  const address = await app.listen({ port: settings.port, host: settings.host });
  logger.info({ address, maxInFlight: settings.maxInFlight }, 'gateway listening');
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
