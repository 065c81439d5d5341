import { afterAll, beforeAll, expect, it } from 'vitest';
import { printReport, StreamEnvironment } from './fixtures/stream-run';

let environment: StreamEnvironment;

beforeAll(async () => {
  environment = await StreamEnvironment.create('at-least-once', 'alo-kill');
  await environment.startNode('node-a');
  await environment.startNode('node-b');
});

afterAll(() => environment.dispose());

it('loses no request when a handling node is SIGKILLed mid-stream; duplicates are counted', async () => {
  const report = await environment.stream({
    total: 400,
    concurrency: 32,
    delayMs: 20,
    faultAfter: { completed: 100, inject: () => environment.kill('node-a') },
  });
  printReport('at-least-once SIGKILL', report);
  expect(report.failedByCode).toEqual({});
  expect(report.succeeded).toBe(report.sent);
  expect(report.lost).toBe(0);
});
