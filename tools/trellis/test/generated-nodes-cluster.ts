// The generated node families and the gateway of a workspace copy, run as `npm start` runs a cluster (the
// copy's deploy/local/cluster.ts), on a vhost, schema and key prefix of their own. The bookshop's families stay
// out: the generated ones are what is under test, and the machine has two cores.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  createPgSchema,
  createRabbitVhost,
  deleteRedisPrefix,
  freePort,
  spawnCluster,
} from '@trellis/testing';
import type { ClusterExit, ClusterProcess, PgSchema, RabbitVhost } from '@trellis/testing';
import { parse, stringify } from 'yaml';

/** A running cluster of generated nodes. */
export interface GeneratedNodesCluster {
  readonly gatewayUrl: string;
  readonly process: ClusterProcess;
  /** Stops the cluster (SIGINT), then removes the vhost, schema and keys. */
  stop(): Promise<ClusterExit>;
}

interface BlueprintFile {
  families: Record<string, { script: string; count: number }>;
}

/**
 * Writes a blueprint of the copy's own (`deploy/blueprint.yaml`) that keeps only the gateway and `families`
 * (family → how many nodes of it run), each with its generated entry, and returns its path.
 */
function writeBlueprint(root: string, families: Readonly<Record<string, number>>): string {
  const blueprint = parse(readFileSync(join(root, 'deploy/blueprint.yaml'), 'utf-8')) as BlueprintFile;
  const kept = ['gateway', ...Object.keys(families)];
  blueprint.families = Object.fromEntries(
    kept.map((name) => {
      const family = blueprint.families[name];
      if (family === undefined) throw new Error(`deploy/blueprint.yaml has no family ${name}`);
      return [name, { ...family, count: families[name] ?? family.count }];
    }),
  );
  const path = join(root, 'generated-nodes.blueprint.yaml');
  writeFileSync(path, stringify(blueprint));
  return path;
}

/**
 * Starts the gateway and `families` (family → node count) of the copy at `root`. Resolves once the cluster
 * runs; readiness of what it serves is the caller's to wait for (the gateway's own readiness also waits for
 * the bookshop's interfaces, which this cluster leaves out).
 */
export async function startGeneratedNodes(
  root: string,
  families: Readonly<Record<string, number>>,
): Promise<GeneratedNodesCluster> {
  const runId = randomBytes(6).toString('hex');
  const dataPrefix = `generated-${runId}`;
  let vhost: RabbitVhost | undefined;
  let schema: PgSchema | undefined;
  let cluster: ClusterProcess | undefined;
  const cleanUp = async (): Promise<ClusterExit | undefined> => {
    const exit = await cluster?.stop();
    await Promise.all([vhost?.delete(), schema?.drop(), deleteRedisPrefix(dataPrefix)]);
    return exit;
  };
  try {
    vhost = await createRabbitVhost('generated-nodes');
    schema = await createPgSchema('generated_nodes');
    const gatewayPort = await freePort();
    cluster = spawnCluster({
      root,
      runId,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: process.env['HOME'] ?? '/tmp',
        BLUEPRINT_FILE: writeBlueprint(root, families),
        AMQP_URL: vhost.url,
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test',
        // Only the service family (inventory) has a schema: the test's own.
        DATABASE_SCHEMA: schema.schema,
        DATA_PREFIX: dataPrefix,
        GATEWAY_PORT: String(gatewayPort),
        HEALTH_PORT: '0',
        LOG_LEVEL: 'warn',
      },
    });
    let stopped: Promise<ClusterExit> | undefined;
    return {
      gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
      process: cluster,
      stop: () =>
        (stopped ??= cleanUp().then((exit) => {
          if (exit === undefined) throw new Error('the cluster was never started');
          return exit;
        })),
    };
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  }
}
