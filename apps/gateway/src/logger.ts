import { pino } from 'pino';
import type { Logger } from 'pino';

import type { GatewaySettings } from './settings';

/**
 * The gateway's root logger: JSON lines, or pino-pretty lines when stdout is a terminal. Fastify derives a
 * child logger per request from it (carrying the request id), and the bus one per message.
 */
export function createLogger(settings: Pick<GatewaySettings, 'logLevel' | 'nodeId'>): Logger {
  return pino({
    name: 'gateway',
    level: settings.logLevel,
    base: { nodeFamily: 'gateway', nodeType: 'front-end', nodeId: settings.nodeId },
    ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty' } } : {}),
  });
}
