// A test's Redis keys (rings, memberships) live under a random DATA_PREFIX; this removes them after.
import { Redis } from 'ioredis';

const localRedis = 'redis://127.0.0.1:6379';

/**
 * Deletes every key under `<prefix>:` and resolves with how many there were. SCAN in pages, bounded to
 * 10 000 pages so a runaway keyspace cannot hold the test run.
 */
export async function deleteRedisPrefix(prefix: string, url = localRedis): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    for (let page = 0; page < 10_000; page += 1) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
