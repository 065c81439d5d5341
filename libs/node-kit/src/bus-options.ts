import type { BusOptions } from '@trellis/bus';
import type { Logger } from 'pino';

import type { NodeSettings } from './settings';

/** The settings `busOptionsFor` reads. */
export type BusSettings = Pick<
  NodeSettings,
  'AMQP_URL' | 'BUS_PREFIX' | 'BUS_START_ATTEMPTS' | 'NODE_ID' | 'SHUTDOWN_TIMEOUT_MS'
>;

/**
 * The node's bus options from its settings, for `BusModule.forRoot(busOptionsFor(settings, logger))`: broker
 * URL, prefix, node id, logger and the attempts of the first connection. Handlers in flight get 80% of `SHUTDOWN_TIMEOUT_MS` to drain, so the rest
 * of the shutdown still fits in the bound `bootstrapNode` enforces.
 */
export function busOptionsFor(settings: BusSettings, logger: Logger): BusOptions {
  return {
    url: settings.AMQP_URL,
    prefix: settings.BUS_PREFIX,
    nodeId: settings.NODE_ID,
    logger,
    shutdownTimeoutMs: Math.floor(settings.SHUTDOWN_TIMEOUT_MS * 0.8),
    startAttempts: settings.BUS_START_ATTEMPTS,
  };
}
