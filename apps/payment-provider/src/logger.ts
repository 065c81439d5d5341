import { pino } from 'pino';
import type { Logger } from 'pino';

import type { ProviderSettings } from './settings';

/**
 * The simulator's root logger: JSON lines, or pino-pretty lines when stdout is a terminal so a person
 * running it by hand can read it. Fastify derives a child logger per request from it.
 */
export function createLogger(level: ProviderSettings['logLevel']): Logger {
  return pino({
    name: 'payment-provider',
    level,
    ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty' } } : {}),
  });
}
