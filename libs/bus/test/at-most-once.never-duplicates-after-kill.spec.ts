import { afterAll, beforeAll, expect, it } from 'vitest';
import { printReport, StreamEnvironment } from './fixtures/stream-run';

let environment: StreamEnvironment;

beforeAll(async () => {
  environment = await StreamEnvironment.create('at-most-once', 'amo-kill');
  await environment.startNode('node-a');
  await environment.startNode('node-b');
});

afterAll(() => environment.dispose());

it('never duplicates an effect when a handling node is SIGKILLed mid-stream; losses are counted', async () => {
  const report = await environment.stream({
    total: 400,
    concurrency: 32,
    delayMs: 20,
    faultAfter: { completed: 100, inject: () => environment.kill('node-a') },
  });
  printReport('at-most-once SIGKILL', report);
  expect(report.duplicated).toBe(0);
  expect(report.succeededWithoutEffect).toBe(0);
  // The killed node held messages it had acknowledged on receipt: they are gone, and their calls timed out.
  expect(report.lost).toBeGreaterThan(0);
  expect(report.failedByCode['bus.timeout']).toBe(report.sent - report.succeeded);
});
