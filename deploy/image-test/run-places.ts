// Creates the image-test run's own vhost, database (with its own role) and Redis key prefix on this
// machine's services, and removes them again, whatever happened in between.
import { randomBytes } from 'node:crypto';

import { createRabbitVhost, deleteRedisPrefix } from '@trellis/testing';
import type { RabbitVhost } from '@trellis/testing';
import { Client } from 'pg';

import type { RunPlaces } from './run-isolation';

const POSTGRES_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

async function asPostgresAdmin(statements: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The run's places and how to remove them. */
export interface ProvisionedPlaces {
  readonly places: RunPlaces;
  /** Removes the vhost, the database and its role, and every key under the prefix; runs every step even when one fails. */
  remove(): Promise<{ redisKeys: number }>;
}

/**
 * Creates a vhost (`trellis-test-image-…`, guest may use it), a database owned by a role of its own
 * (`trellis_image_…`; nodes create their schemas in it as in a real deployment, without superuser rights)
 * and picks a key prefix (`image-test-…`).
 */
export async function provisionPlaces(runId: string): Promise<ProvisionedPlaces> {
  // Only [a-z0-9_] reaches the SQL names, so quoting them is enough to make them safe.
  const database = `trellis_image_${runId}_${randomBytes(3).toString('hex')}`;
  const dataPrefix = `image-test-${runId}`;
  let vhost: RabbitVhost | undefined;
  let databaseAttempted = false;

  const remove = async (): Promise<{ redisKeys: number }> => {
    const results = await Promise.allSettled([
      vhost?.delete(),
      databaseAttempted
        ? asPostgresAdmin([
            `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`,
            `DROP ROLE IF EXISTS "${database}"`,
          ])
        : undefined,
      deleteRedisPrefix(dataPrefix),
    ]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const redis = results[2];
    return { redisKeys: redis.status === 'fulfilled' ? redis.value : 0 };
  };

  try {
    vhost = await createRabbitVhost(`image-${runId}`);
    databaseAttempted = true;
    await asPostgresAdmin([
      `CREATE ROLE "${database}" LOGIN`,
      `CREATE DATABASE "${database}" OWNER "${database}"`,
    ]);
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }
  return { places: { vhost: vhost.vhost, database, databaseRole: database, dataPrefix }, remove };
}
