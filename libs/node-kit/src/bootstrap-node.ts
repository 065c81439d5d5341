// Starts a Nest node the same way everywhere: health first, then the application, then "node ready";
// and stops it the same way: readiness off, drain, close, exit.
import type { Server } from 'node:net';
import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { NestFactory } from '@nestjs/core';
import { Bus } from '@trellis/bus';
import type { Logger } from 'pino';

import type { HealthCheck, HealthServer } from './health-server';
import { startHealthServer } from './health-server';
import { NestPinoLogger } from './nest-logger';
import type { NodeSettings } from './settings';
import type { Heartbeat, NodeDescriptionExtras } from './heartbeat';
import { startHeartbeat } from './heartbeat';
import { describeStartupFailure } from './startup-failure';
import type { Telemetry } from './telemetry';
import { observeBusMetrics } from './telemetry';

/** Options of `bootstrapNode`. */
export interface BootstrapNodeOptions {
  /** The node's root module (typically importing `BusModule.forRoot(busOptionsFor(settings, logger))`). */
  module: Type<unknown> | DynamicModule;
  /** The node's validated settings (`loadSettings`). */
  settings: NodeSettings;
  /** The node's root logger (`createLogger`); Nest's own lines go through it too. */
  logger: Logger;
  /** Readiness checks besides the bus's, e.g. `{ database: () => db.ping() }`. */
  checks?: Record<string, HealthCheck>;
  /** The handle from `startTelemetry`, flushed at shutdown. */
  telemetry?: Telemetry;
  /** What the node adds to its heartbeat (e.g. its datasets' sharing), read from the application at each beat. */
  describe?: (app: INestApplicationContext) => NodeDescriptionExtras;
  /**
   * Only for the front-end node: serve HTTP through this Nest adapter (e.g. `new FastifyAdapter()` from
   * `@nestjs/platform-fastify`, which the gateway depends on) at this address; port 0 picks a free one.
   */
  http?: { adapter: AbstractHttpAdapter; port: number; host: string };
}

/** A started node. */
export interface RunningNode {
  /** The Nest application: an application context, or an `INestApplication` when `http` was given. */
  readonly app: INestApplicationContext;
  /** The health server's port (the one picked when `HEALTH_PORT` is 0). */
  readonly healthPort: number;
  /** The HTTP port the adapter listens on, when `http` was given. */
  readonly httpPort: number | undefined;
}

/**
 * Starts a Nest node and owns its process from then on:
 * 1. starts the health server (`HEALTH_HOST:HEALTH_PORT`): live at once, ready only once the application has
 *    started and while its bus (if the module provides `Bus`) is connected and every extra check passes;
 * 2. creates the application (an application context, or an HTTP application when `http` is given), whose
 *    bus connects and registers its handlers, then logs "node ready" with the health port;
 * 3. on SIGTERM or SIGINT: readiness answers 503, `app.close()` lets the bus drain the handlers in flight and
 *    runs the Nest shutdown hooks, then telemetry is flushed and the process exits 0; exits 1 instead if this
 *    takes longer than `SHUTDOWN_TIMEOUT_MS`. A second signal while stopping is logged and ignored.
 *
 * If the node cannot start, it prints one line on stderr naming what failed and how to fix it
 * (`describeStartupFailure`) and exits 1; the full error is logged at debug level.
 */
export async function bootstrapNode(options: BootstrapNodeOptions): Promise<RunningNode> {
  const { settings, logger } = options;
  let app: INestApplicationContext | undefined;
  let health: HealthServer | undefined;
  let heartbeat: Heartbeat | undefined;
  let stopping = false;

  const exit = (code: number): never => {
    logger.flush();
    process.exit(code);
  };

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, 'already stopping; signal ignored');
      return;
    }
    stopping = true;
    heartbeat?.stop();
    health?.beginShutdown();
    if (app === undefined) {
      logger.info({ signal }, 'node stopped while starting');
      exit(0);
    }
    logger.info({ signal, timeoutMs: settings.SHUTDOWN_TIMEOUT_MS }, 'node stopping');
    setTimeout(() => {
      logger.error(
        { timeoutMs: settings.SHUTDOWN_TIMEOUT_MS },
        'node did not stop within SHUTDOWN_TIMEOUT_MS',
      );
      exit(1);
    }, settings.SHUTDOWN_TIMEOUT_MS);
    try {
      await app?.close();
      await health?.close();
      await options.telemetry?.shutdown();
    } catch (error) {
      logger.error({ err: error }, 'node failed to stop cleanly');
      exit(1);
    }
    logger.info('node stopped');
    exit(0);
  };
  // Nest's enableShutdownHooks() is deliberately not used: it closes the app without first turning readiness
  // off, and then re-raises the signal, so the process would end by signal instead of exit code 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop(signal));

  // Filled in once the application exists; the health server reads the record on every probe.
  let started = false;
  const checks: Record<string, HealthCheck> = { started: () => started };
  let readMetrics: () => unknown = () => ({});
  try {
    health = await startHealthServer({
      host: settings.HEALTH_HOST,
      port: settings.HEALTH_PORT,
      checks,
      metrics: () => readMetrics(),
      logger,
    });

    let httpPort: number | undefined;
    // Nest logs nothing while starting: a failure is reported once, by the line below, not by Nest as well.
    const nestOptions = { logger: false, abortOnError: false } as const;
    if (options.http === undefined) {
      app = await NestFactory.createApplicationContext(options.module, nestOptions);
    } else {
      const { adapter, port, host } = options.http;
      const httpApp = await NestFactory.create(options.module, adapter, nestOptions);
      app = httpApp;
      await httpApp.listen(port, host);
      const address = (httpApp.getHttpServer() as Server).address();
      httpPort = typeof address === 'object' && address !== null ? address.port : undefined;
    }
    // Looked up before Nest's logger is on: Nest logs a failed lookup as an error, and no bus is no error.
    const bus = busOf(app);
    app.useLogger(new NestPinoLogger(logger));
    if (bus !== undefined) {
      checks['bus'] = () => bus.isConnected;
      observeBusMetrics(bus);
      const describe = options.describe;
      const running = app;
      heartbeat = startHeartbeat(bus, settings, {
        describe: describe === undefined ? undefined : () => describe(running),
      });
    }
    Object.assign(checks, options.checks);
    readMetrics = () => ({ bus: bus?.metrics.snapshot() ?? [] });
    started = true;
    logger.info({ healthPort: health.port, httpPort, nodeType: settings.NODE_TYPE }, 'node ready');
    return { app, healthPort: health.port, httpPort };
  } catch (error) {
    process.stderr.write(`${describeStartupFailure(error, settings)}\n`);
    logger.debug({ err: error }, 'start-up failed');
    return exit(1);
  }
}

/** The application's bus, when its module provides one (`BusModule`). */
function busOf(app: INestApplicationContext): Bus | undefined {
  try {
    return app.get(Bus, { strict: false });
  } catch {
    return undefined;
  }
}
