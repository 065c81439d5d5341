// The local cluster runner behind `npm start`: blueprint → one supervised child process per node.
import { isAbsolute, relative, resolve } from 'node:path';

import type { Logger } from 'pino';
import { pino } from 'pino';
import pinoPretty from 'pino-pretty';

import { loadBlueprint } from './blueprint';
import { childSpecsOf } from './child-specs';
import { clusterSettingsFrom } from './cluster-settings';
import { Supervisor } from './supervisor';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** JSON lines, or readable ones in a terminal; synchronous so they interleave in order with node output. */
function createLogger(level: string): Logger {
  return process.stdout.isTTY
    ? pino({ name: 'cluster', level }, pinoPretty({ sync: true, singleLine: true, ignore: 'pid,hostname' }))
    : pino({ name: 'cluster', level });
}

/** The path relative to the working directory when it lies below it: shorter in messages. */
function shortPath(path: string): string {
  const below = relative(process.cwd(), path);
  return below === '' || below.startsWith('..') || isAbsolute(below) ? path : below;
}

/**
 * Runs the local cluster until SIGINT, SIGTERM or SIGHUP (then stops every node gracefully) or until the
 * supervisor gives up. Resolves with the exit code: 0 after a requested stop, 1 when the settings or the
 * blueprint are refused (nothing is started) or the supervisor gave up. Families whose entry file does not
 * exist yet are skipped with one log line each; with no node left to run it resolves 0 at once.
 */
export async function runCluster(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  let logger = createLogger('info');
  try {
    const settings = clusterSettingsFrom(env);
    logger = createLogger(settings.LOG_LEVEL);
    const root = resolve(settings.CLUSTER_ROOT ?? process.cwd());
    const blueprint = await loadBlueprint(shortPath(resolve(root, settings.BLUEPRINT_FILE)), env);
    const { children, skipped } = childSpecsOf(blueprint, { root });
    for (const { family, script } of skipped) {
      logger.info({ family, script }, `skipping family ${family}: ${script} does not exist yet`);
    }
    if (children.length === 0) {
      logger.info(`no family of ${blueprint.file} has an entry file yet; no node to run`);
      return 0;
    }

    const supervisor = new Supervisor({
      children,
      intensity: {
        maxRestarts: settings.SUPERVISOR_MAX_RESTARTS,
        periodMs: settings.SUPERVISOR_RESTART_PERIOD_MS,
      },
      stopTimeoutMs: settings.SUPERVISOR_STOP_TIMEOUT_MS,
      logger: logger.child({ component: 'supervisor' }),
      env,
    });
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'stopping the cluster');
      void supervisor.stop();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    try {
      logger.info(
        { file: blueprint.file, nodes: children.map((child) => child.id) },
        `starting ${children.length} node${children.length === 1 ? '' : 's'}`,
      );
      supervisor.start();
      const ended = await supervisor.done;
      if (ended.outcome === 'gave-up') {
        logger.fatal(ended.message);
        return 1;
      }
      logger.info('every node has stopped');
      return 0;
    } finally {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    }
  } catch (error) {
    logger.fatal(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
