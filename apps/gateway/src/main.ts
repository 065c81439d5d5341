// Runs one gateway node: settings and telemetry first, then the HTTP app, and a graceful shutdown.
import { settings as values, telemetry } from './telemetry';

import { createGatewayApp } from './app';
import { createLogger } from './logger';
import { gatewaySettingsFrom } from './settings';

async function main(): Promise<void> {
  const settings = gatewaySettingsFrom(values);
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
