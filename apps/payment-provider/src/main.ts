// Runs the payment provider simulator: a stand-in for the third-party payment API, not a platform node,
// so it has no telemetry set-up (the real provider's traces are not ours to see either).
import { buildProviderApp } from './app';
import { createLogger } from './logger';
import { loadSettings, SettingsError } from './settings';
import type { ProviderSettings } from './settings';

function settingsOrExit(): ProviderSettings {
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
  const logger = createLogger(settings.logLevel);
  const app = buildProviderApp({ logger, maxInFlight: settings.maxInFlight });

  let closing = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'payment provider closing: finishing requests in flight');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: settings.shutdownTimeoutMs }, 'payment provider did not close in time');
      process.exit(1);
    }, settings.shutdownTimeoutMs);
    await app.close();
    clearTimeout(deadline);
    // Exit by running out of work rather than process.exit(), so pino flushes its last lines.
    logger.info('payment provider closed');
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutdown(signal));
  }

  const address = await app.listen({ port: settings.port, host: settings.host });
  logger.info({ address }, 'payment provider listening');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `payment provider failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
