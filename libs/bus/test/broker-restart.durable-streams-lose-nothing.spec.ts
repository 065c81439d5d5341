import { afterAll, beforeAll, expect, it } from 'vitest';
import { restartBroker } from '@trellis/testing';
import { streamContract } from './fixtures/stream-contracts';
import { printReport, StreamEnvironment } from './fixtures/stream-run';

let atLeastOnce: StreamEnvironment;
let exactlyOnce: StreamEnvironment;

beforeAll(async () => {
  atLeastOnce = await StreamEnvironment.create('at-least-once', 'alo-restart');
  exactlyOnce = await StreamEnvironment.create('exactly-once', 'eo-restart');
  for (const environment of [atLeastOnce, exactlyOnce]) {
    await environment.startNode('node-a');
    await environment.startNode('node-b');
  }
});

afterAll(async () => {
  await atLeastOnce.dispose();
  await exactlyOnce.dispose();
});

it('reconnects every node by itself after a broker restart mid-stream, losing nothing confirmed', async () => {
  // Enough attempts to ride out the restart: each attempt waits up to its timeout for the connection.
  const patient = { timeoutMs: 1_000, maxAttempts: 30 };
  let restarted: Promise<void> | undefined;
  const [durable, effectivelyOnce] = await Promise.all([
    atLeastOnce.stream({
      total: 2000,
      concurrency: 16,
      delayMs: 10,
      contract: streamContract('at-least-once', patient),
      faultAfter: {
        completed: 200,
        inject: () => {
          restarted = restartBroker();
          return restarted;
        },
      },
    }),
    exactlyOnce.stream({
      total: 2000,
      concurrency: 16,
      delayMs: 10,
      contract: streamContract('exactly-once', patient),
    }),
  ]);
  printReport('at-least-once broker restart', durable);
  printReport('exactly-once broker restart', effectivelyOnce);
  expect(restarted).toBeDefined();
  for (const report of [durable, effectivelyOnce]) {
    expect(report.failedByCode).toEqual({});
    expect(report.succeeded).toBe(report.sent);
    expect(report.lost).toBe(0);
  }
  expect(effectivelyOnce.duplicated).toBe(0);
  expect(atLeastOnce.caller.isConnected && exactlyOnce.caller.isConnected).toBe(true);
});
