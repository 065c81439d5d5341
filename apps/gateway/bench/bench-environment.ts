// Everything the bench's cluster runs in that belongs to this run alone: a fresh RabbitMQ vhost, a fresh
// PostgreSQL database, a random Redis key prefix and free TCP ports; `dispose()` removes all of it.
import { randomBytes } from 'node:crypto';
import { createRabbitVhost, deleteRedisPrefix } from '@trellis/testing';
import type { RabbitVhost } from '@trellis/testing';
// The front-end must never depend on data stores, and the gateway's own code does not: this harness
// provisions the whole cluster's database, which is test set-up, not the node.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { Client } from 'pg';

/** The local PostgreSQL server's maintenance database, where databases are created and dropped. */
const PG_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = 'redis://127.0.0.1:6379';

/** The resources of one bench run. */
export interface BenchEnvironment {
  readonly amqpUrl: string;
  readonly databaseUrl: string;
  readonly dataPrefix: string;
  readonly redisUrl: string;
  /** Removes the vhost, the database and the prefix's Redis keys; safe to call more than once. */
  dispose(): Promise<void>;
}

async function withAdmin(sql: string): Promise<void> {
  const client = new Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates the run's vhost and database; `dispose()` undoes whatever was created, even after a failure. */
export async function createBenchEnvironment(): Promise<BenchEnvironment> {
  const suffix = randomBytes(4).toString('hex');
  // [a-z0-9_] only, so quoting is enough to make the name safe in SQL.
  const database = `trellis_bench_${suffix}`;
  const dataPrefix = `trellis-bench-${suffix}`;
  let vhost: RabbitVhost | undefined;
  let databaseCreated = false;
  let disposed: Promise<void> | undefined;

  const dispose = (): Promise<void> => {
    disposed ??= (async () => {
      const failures: string[] = [];
      const attempt = async (what: string, step: () => Promise<unknown>): Promise<void> => {
        try {
          await step();
        } catch (error) {
          failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      // FORCE ends sessions a node left behind, so a node that failed to stop cannot block the drop.
      if (databaseCreated)
        await attempt('drop database', () => withAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
      if (vhost) await attempt('delete vhost', () => vhost?.delete() ?? Promise.resolve());
      await attempt('delete Redis keys', () => deleteRedisPrefix(dataPrefix, REDIS_URL));
      if (failures.length > 0) throw new Error(`bench clean-up incomplete: ${failures.join('; ')}`);
    })();
    return disposed;
  };

  try {
    vhost = await createRabbitVhost('gateway-bench');
    await withAdmin(`CREATE DATABASE "${database}"`);
    databaseCreated = true;
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }
  return {
    amqpUrl: vhost.url,
    databaseUrl: `postgresql://postgres@127.0.0.1:5432/${database}`,
    dataPrefix,
    redisUrl: REDIS_URL,
    dispose,
  };
}
