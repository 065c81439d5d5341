import { afterAll, beforeAll, expect, it } from 'vitest';
import { printReport, StreamEnvironment } from './fixtures/stream-run';

let environment: StreamEnvironment;

beforeAll(async () => {
  environment = await StreamEnvironment.create('exactly-once', 'eo-kill');
  await environment.startNode('node-a');
  await environment.startNode('node-b');
});

afterAll(() => environment.dispose());

it('applies every effect exactly once when a handling node is SIGKILLed mid-stream', async () => {
  const report = await environment.stream({
    total: 400,
    concurrency: 32,
    delayMs: 20,
    faultAfter: { completed: 100, inject: () => environment.kill('node-a') },
  });
  printReport('exactly-once SIGKILL', report);
  expect(report.failedByCode).toEqual({});
  expect(report.succeeded).toBe(report.sent);
  expect(report.lost).toBe(0);
  expect(report.duplicated).toBe(0);
});
