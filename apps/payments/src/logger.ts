import { pino } from 'pino';
import type { Logger } from 'pino';

import type { PaymentsSettings } from './settings';

/**
 * The node's root logger: JSON lines, or pino-pretty lines when stdout is a terminal so a person running it
 * by hand can read it. The bus derives a child logger per message from it.
 */
export function createLogger(level: PaymentsSettings['logLevel']): Logger {
  return pino({
    name: 'payments',
    level,
    ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty' } } : {}),
  });
}
