// Redis datasets against the real local Redis, under a random prefix per file (deleted afterwards).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DataErrors, RedisDataStore } from '../src';

const redisUrl = 'redis://127.0.0.1:6379';
const counter = z.object({ count: z.number().int() });

let prefix: string;
let storeA: RedisDataStore;
let storeB: RedisDataStore;
let raw: Redis;

beforeAll(async () => {
  prefix = `trellis-test-data-${randomUUID()}`;
  storeA = await RedisDataStore.connect({ url: redisUrl, prefix });
  storeB = await RedisDataStore.connect({ url: redisUrl, prefix });
  raw = new Redis(redisUrl);
});

afterAll(async () => {
  await storeA.deleteEverything();
  await storeA.close();
  await storeB.close();
  raw.disconnect();
});

describe('get, set and delete', () => {
  it('reads back what was set, under <prefix>:<dataset>:<key>, and nothing once deleted', async () => {
    const counters = storeA.dataset({ name: 'counters', schema: counter });
    await expect(counters.get('k1')).resolves.toBeUndefined();
    await counters.set('k1', { count: 3 });
    await expect(counters.get('k1')).resolves.toEqual({ count: 3 });
    expect(JSON.parse((await raw.get(`${prefix}:counters:k1`)) ?? 'null')).toEqual({ count: 3 });
    await counters.delete('k1');
    await counters.delete('k1');
    await expect(counters.get('k1')).resolves.toBeUndefined();
  });

  it('keeps datasets with the same keys apart', async () => {
    const left = storeA.dataset({ name: 'left', schema: counter });
    const right = storeA.dataset({ name: 'right', schema: counter });
    await left.set('same', { count: 1 });
    await expect(right.get('same')).resolves.toBeUndefined();
  });
});

describe('update', () => {
  it('loses no increment when two connections update one key concurrently', async () => {
    const onA = storeA.dataset({ name: 'contended', schema: counter });
    const onB = storeB.dataset({ name: 'contended', schema: counter });
    const increment = (current: { count: number } | undefined) => ({ count: (current?.count ?? 0) + 1 });
    const rounds = 100;
    await Promise.all(
      Array.from({ length: rounds }, (_, i) => (i % 2 === 0 ? onA : onB).update('hot', increment)),
    );
    await expect(onA.get('hot')).resolves.toEqual({ count: rounds });
  });

  it('creates a value that was absent, and deletes it when the function returns undefined', async () => {
    const counters = storeA.dataset({ name: 'lifecycle', schema: counter });
    await expect(counters.update('k', () => ({ count: 7 }))).resolves.toEqual({ count: 7 });
    await expect(counters.update('k', () => undefined)).resolves.toBeUndefined();
    await expect(counters.get('k')).resolves.toBeUndefined();
    // Absent and staying absent: nothing is written.
    await expect(counters.update('k', () => undefined)).resolves.toBeUndefined();
    expect(await raw.exists(`${prefix}:lifecycle:k`)).toBe(0);
  });
});

describe('time to live', () => {
  it('gives every write of a dataset with a TTL an expiry, restarted by each write', async () => {
    const sessions = storeA.dataset({ name: 'expiring', schema: counter, ttlSeconds: 60 });
    const key = `${prefix}:expiring:s`;
    await sessions.set('s', { count: 1 });
    expect(await raw.ttl(key)).toBeGreaterThan(50);
    // Shorten it behind the dataset's back, then check an update restarts it.
    await raw.expire(key, 5);
    await sessions.update('s', (current) => current);
    expect(await raw.ttl(key)).toBeGreaterThan(50);
  });

  it('writes values of a dataset without a TTL that never expire', async () => {
    const durable = storeA.dataset({ name: 'durable', schema: counter });
    await durable.set('d', { count: 1 });
    expect(await raw.ttl(`${prefix}:durable:d`)).toBe(-1);
  });
});

describe('validation and failures', () => {
  it('refuses a stored value that does not match the schema, or is not JSON, as data.corrupt_value', async () => {
    const counters = storeA.dataset({ name: 'strict', schema: counter });
    await raw.set(`${prefix}:strict:wrong-shape`, JSON.stringify({ count: 'many' }));
    await raw.set(`${prefix}:strict:not-json`, '{nope');
    await expect(counters.get('wrong-shape')).rejects.toMatchObject({ code: DataErrors.corruptValue.code });
    await expect(counters.get('not-json')).rejects.toMatchObject({ code: DataErrors.corruptValue.code });
    await expect(counters.update('not-json', (current) => current)).rejects.toMatchObject({
      code: DataErrors.corruptValue.code,
    });
  });

  it('keeps deployments with different prefixes apart, and deletes only its own keys', async () => {
    const other = await RedisDataStore.connect({ url: redisUrl, prefix: `${prefix}-other` });
    try {
      await other.dataset({ name: 'counters', schema: counter }).set('x', { count: 9 });
      await storeA.dataset({ name: 'counters', schema: counter }).set('x', { count: 1 });
      await expect(other.deleteEverything()).resolves.toBe(1);
      await expect(storeA.dataset({ name: 'counters', schema: counter }).get('x')).resolves.toEqual({
        count: 1,
      });
    } finally {
      await other.close();
    }
  });

  it('fails to connect to an unreachable store with data.unavailable (retryable)', async () => {
    const failure = await RedisDataStore.connect({ url: 'redis://127.0.0.1:1', prefix }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: DataErrors.unavailable.code, retryable: true });
  });

  it('refuses a prefix that would break key patterns', async () => {
    await expect(RedisDataStore.connect({ url: redisUrl, prefix: 'a*b' })).rejects.toThrow(/prefix/);
  });
});
