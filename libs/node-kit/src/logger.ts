import type { DestinationStream, Logger } from 'pino';
import { pino } from 'pino';
import pretty from 'pino-pretty';

/** Who is logging, and how much. */
export interface LoggerOptions {
  /** This node's id (`NODE_ID`), bound to every line as `nodeId`. */
  nodeId: string;
  /** This node's family (`NODE_FAMILY`), bound to every line as `family`. */
  family: string;
  /** Pino level (`LOG_LEVEL`): fatal, error, warn, info, debug, trace or silent. */
  level: string;
  /**
   * Where lines go. Default: stdout, as JSON, or through pino-pretty when stdout is a terminal. A given
   * destination always receives JSON.
   */
  destination?: DestinationStream;
}

/**
 * The node's root logger: pino, structured JSON, one line per event, bound to `nodeId`, `family` and `pid`.
 * Derive a child logger per request or message (`logger.child({ traceId, interface })`).
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { nodeId: options.nodeId, family: options.family, pid: process.pid },
  };
  if (options.destination !== undefined) return pino(settings, options.destination);
  // In-process pretty printing rather than a transport: no worker thread, and lines stay in order with
  // anything else the process writes.
  if (process.stdout.isTTY) return pino(settings, pretty({ colorize: true, sync: true }));
  return pino(settings);
}
