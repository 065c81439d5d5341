// A node started by bootstrapNode becomes ready, serves calls, and on SIGTERM turns readiness off, finishes
// the call in flight and exits 0; a node whose broker is unreachable exits 1 with one line naming RabbitMQ.
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bus } from '@trellis/bus';
import type { NodeProcess, RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, startNodeProcess, stopAllNodeProcesses, waitFor } from '@trellis/testing';

import type { PricingNodeMessage, ReleaseMessage } from './fixtures/pricing-contract';
import { quote } from './fixtures/pricing-contract';

const fixture = path.join(__dirname, 'fixtures', 'pricing-node.ts');
const logger = pino({ level: 'silent' });

let vhost: RabbitVhost;
let caller: Bus;

beforeAll(async () => {
  vhost = await createRabbitVhost('node-kit');
  caller = await Bus.connect({ url: vhost.url, logger, nodeId: 'test-caller' });
});

afterAll(async () => {
  await stopAllNodeProcesses();
  await caller.close();
  await vhost.delete();
});

function healthPortOf(node: NodeProcess): number {
  const message = node.messages.find(
    (m): m is Extract<PricingNodeMessage, { type: 'health-port' }> =>
      (m as PricingNodeMessage).type === 'health-port',
  );
  if (message === undefined) throw new Error(`${node.name} did not report its health port`);
  return message.port;
}

async function probe(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.json() };
}

it('becomes ready, serves a call, then on SIGTERM answers 503, drains the call in flight and exits 0', async () => {
  const node = await startNodeProcess(fixture, {
    name: 'pricing-1',
    env: { AMQP_URL: vhost.url, NODE_ID: 'pricing-1', HEALTH_PORT: '0', LOG_LEVEL: 'info' },
  });
  const port = healthPortOf(node);

  expect(await probe(port, '/health/ready')).toEqual({
    status: 200,
    body: { status: 'ready', checks: { started: 'pass', bus: 'pass' }, failing: [] },
  });
  await expect(caller.call(quote, { bookId: 'b1', quantity: 2 })).resolves.toEqual({
    totalCents: 2500,
    servedBy: 'pricing-1',
  });
  const metrics = (await probe(port, '/metrics')).body as {
    bus: { interface: string; counts: { handled: number } }[];
  };
  expect(metrics.bus.find((entry) => entry.interface === 'pricing.quote')?.counts.handled).toBe(1);

  // A call held in its handler, so the node is stopped with work in flight.
  const heldReply = caller.call(quote, { bookId: 'hold', quantity: 3 });
  await node.waitForMessage((m) => (m as PricingNodeMessage).type === 'holding', 10_000, {
    includeReceived: true,
  });
  node.kill('SIGTERM');

  const stopping = await waitFor(
    async () => {
      const readiness = await probe(port, '/health/ready');
      return readiness.status === 503 ? readiness : undefined;
    },
    { timeoutMs: 5_000, description: 'readiness to turn 503 after SIGTERM' },
  );
  expect(stopping.body).toMatchObject({ status: 'shutting down' });
  expect((await probe(port, '/health/live')).status).toBe(200);

  const release: ReleaseMessage = { type: 'release' };
  await node.send(release);
  await expect(heldReply).resolves.toEqual({ totalCents: 3750, servedBy: 'pricing-1' });
  expect(await node.exited).toEqual({ code: 0, signal: null });
  expect(node.output()).toContain('"msg":"node stopped"');
});

it('exits 1 with one line naming RabbitMQ and how to start it when the broker is unreachable', async () => {
  const start = startNodeProcess(fixture, {
    name: 'pricing-no-broker',
    env: {
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:1',
      // Two attempts, not the default twenty (about a minute): the outcome is the same, sooner.
      BUS_START_ATTEMPTS: '2',
      NODE_ID: 'pricing-2',
      HEALTH_PORT: '0',
      LOG_LEVEL: 'error',
    },
    readyTimeoutMs: 30_000,
  });
  const failure = await start.then(
    () => new Error('the node started without a broker'),
    (error: unknown) => error,
  );
  const message = failure instanceof Error ? failure.message : String(failure);
  expect(message).toContain('exited (code 1) before signalling ready');
  const lines = message.split('\n').filter((line) => line.includes('cannot start'));
  expect(lines).toEqual([
    'pricing-2 cannot start: RabbitMQ is unreachable at amqp://guest:***@127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1); start it with `rabbitmq-server -detached` or `bash deploy/local/services.sh` to start every local service',
  ]);
}, 120_000);
