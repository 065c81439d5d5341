// Nest's own log lines, written through the node's pino logger so every line of a node has one format.
import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * Routes Nest's logger to pino. Nest's `log` (module wiring, routes mapped) is start-up chatter, so it goes
 * to debug; the last string argument Nest passes is its context (the class that logged).
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(
    level: 'trace' | 'debug' | 'warn' | 'error' | 'fatal',
    message: unknown,
    rest: unknown[],
  ): void {
    const context = typeof rest.at(-1) === 'string' ? String(rest.at(-1)) : undefined;
    if (message instanceof Error) {
      this.logger[level]({ err: message, context }, message.message);
    } else {
      this.logger[level]({ context }, typeof message === 'string' ? message : JSON.stringify(message));
    }
  }
}
