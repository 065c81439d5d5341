import { afterAll, beforeEach, expect, it } from 'vitest';
import { BusErrors } from '../src';
import { waitFor } from '@trellis/testing';
import { streamContract } from './fixtures/stream-contracts';
import { StreamEnvironment } from './fixtures/stream-run';

let environment: StreamEnvironment;

beforeEach(async () => {
  environment = await StreamEnvironment.create('exactly-once', 'eo-reply-lost');
});

afterAll(() => environment.dispose());

async function effectsOf(id: string): Promise<number> {
  const { rows } = await environment.pg.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM effects WHERE id = $1',
    [id],
  );
  return rows[0]?.n ?? 0;
}

it('answers the retry from the stored reply when the node died after committing and before replying', async () => {
  const doomed = await environment.startNode('node-a', { DIE_BEFORE_REPLY: 'order-1' });
  const reply = environment.caller.call(streamContract('exactly-once'), { id: 'order-1', delayMs: 0 });
  await doomed.exited;
  expect(await effectsOf('order-1')).toBe(1);
  // Start the survivor only after the first attempt timed out, so that the answer comes to a retry.
  await waitFor(() => environment.caller.metrics.count('stream.exactlyOnce', 'timedOut') > 0, {
    timeoutMs: 5_000,
    description: 'the first attempt to time out',
  });
  await environment.startNode('node-b');
  // The answer is the one node-a committed: the effect did not run again on node-b.
  await expect(reply).resolves.toEqual({ id: 'order-1', handledBy: 'node-a' });
  expect(await effectsOf('order-1')).toBe(1);
  expect(environment.caller.metrics.count('stream.exactlyOnce', 'retried')).toBeGreaterThan(0);
});

it('reports outcome unknown, never failed, when no attempt is answered, and the outcome reads back by key', async () => {
  await environment.dispose();
  environment = await StreamEnvironment.create('exactly-once', 'eo-outcome');
  const doomed = await environment.startNode('node-a', { DIE_BEFORE_REPLY: 'order-2' });
  const impatient = streamContract('exactly-once', { timeoutMs: 300, maxAttempts: 2 });
  const error = await environment.caller
    .call(impatient, { id: 'order-2', delayMs: 0 }, { idempotencyKey: 'key-order-2' })
    .catch((e: unknown) => e);
  await doomed.exited;
  expect(BusErrors.outcomeUnknown.is(error)).toBe(true);
  expect(error).toMatchObject({ data: { idempotencyKey: 'key-order-2' } });
  await environment.startNode('node-b');
  const outcome = await waitFor(
    async () => {
      const read = await environment.caller.outcome(impatient, 'key-order-2');
      return read.status === 'replied' ? read : undefined;
    },
    { timeoutMs: 10_000, description: 'the stored outcome' },
  );
  expect(outcome).toEqual({ status: 'replied', reply: { id: 'order-2', handledBy: 'node-a' } });
  await expect(environment.caller.outcome(impatient, 'never-sent')).resolves.toEqual({ status: 'unknown' });
  expect(await effectsOf('order-2')).toBe(1);
});
