import type { Channel, ChannelModel } from 'amqplib';
import { connect } from 'amqplib';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCall, defineErrorType, defineMessage } from '@trellis/contracts';
import type { Contract } from '@trellis/contracts';
import { Bus, BusErrors, deadLetterReasonOf } from '../src';
import type { RabbitVhost } from '@trellis/testing';
import { createRabbitVhost, waitFor } from '@trellis/testing';
import { pino } from 'pino';

const refused = defineErrorType('test.refused', 422, false);
const body = z.object({ id: z.string(), mode: z.enum(['ok', 'reject', 'crash']) });

const check = defineCall({
  name: 'poison.check',
  policy: 'at-least-once',
  request: body,
  reply: z.object({ id: z.string() }),
  maxDeliveries: 3,
  timeoutMs: 3_000,
});
const event = defineMessage({
  name: 'poison.happened',
  policy: 'at-least-once',
  request: body,
  maxDeliveries: 3,
});

let vhost: RabbitVhost;
let handler: Bus;
let caller: Bus;
let raw: ChannelModel;
let channel: Channel;
const invocations = new Map<string, number>();

function handle({ id, mode }: z.output<typeof body>) {
  invocations.set(id, (invocations.get(id) ?? 0) + 1);
  if (mode === 'reject') throw refused.create(`refused ${id}`);
  if (mode === 'crash') throw new Error(`handler bug on ${id}`);
  return { id };
}

/** Reads the dead-lettered messages of a contract's queue, waiting until `count` are there. */
async function deadLetters(contract: Contract, count: number) {
  const queue = handler.names.deadLetterQueueOf(handler.names.queueOf(contract));
  const found: { body: string; reason: string; detail: string | undefined }[] = [];
  await waitFor(
    async () => {
      const message = await channel.get(queue, { noAck: true });
      if (message !== false) found.push({ body: message.content.toString(), ...deadLetterReasonOf(message) });
      return found.length >= count;
    },
    { timeoutMs: 10_000, intervalMs: 20, description: `${count} dead letters in ${queue}` },
  );
  return found;
}

/** Publishes a body as another client would, with the bus's envelope fields given here. */
function publishRaw(content: string) {
  channel.publish(handler.names.exchange, check.name, Buffer.from(content), { persistent: true });
}

function enveloped(fields: Record<string, unknown>, payload: unknown) {
  return JSON.stringify({
    envelope: 1,
    contract: check.name,
    contractVersion: 1,
    messageId: 'raw-1',
    ...fields,
    payload,
  });
}

beforeAll(async () => {
  vhost = await createRabbitVhost('poison');
  const logger = pino({ level: 'silent' });
  handler = await Bus.connect({ url: vhost.url, logger });
  caller = await Bus.connect({ url: vhost.url, logger });
  await handler.handle(check, handle);
  await handler.subscribe(event, (message) => {
    handle(message);
  });
  raw = await connect(vhost.url);
  channel = await raw.createChannel();
});

afterAll(async () => {
  await raw.close();
  await caller.close();
  await handler.close();
  await vhost.delete();
});

describe('a malformed message', () => {
  it('goes to the dead-letter queue with the reason, whatever is wrong with it', async () => {
    publishRaw('{not json');
    publishRaw(enveloped({}, { id: 7, mode: 'ok' }));
    publishRaw(enveloped({ contractVersion: 2 }, { id: 'x', mode: 'ok' }));
    publishRaw(JSON.stringify({ id: 'x', mode: 'ok' }));
    const letters = await deadLetters(check, 4);
    expect(letters.map((letter) => letter.reason)).toEqual(['invalid', 'invalid', 'invalid', 'invalid']);
    expect(letters[0]?.detail).toContain('not JSON');
    expect(letters[1]?.detail).toContain('id:');
    expect(letters[2]?.detail).toContain('v2');
    expect(letters[3]?.detail).toContain('unknown envelope format');
    expect(letters[3]?.body).toBe(JSON.stringify({ id: 'x', mode: 'ok' }));
    expect(handler.metrics.count(check.name, 'deadLettered')).toBe(4);
  });
});

describe('a message whose handler keeps failing', () => {
  it('is dead-lettered at once when the handler refuses it with a non-retryable error', async () => {
    await caller.emit(event, { id: 'e-reject', mode: 'reject' });
    const [letter] = await deadLetters(event, 1);
    expect(letter).toMatchObject({ reason: 'rejected' });
    expect(letter?.detail).toContain('test.refused');
    expect(invocations.get('e-reject')).toBe(1);
  });

  it('is redelivered up to its delivery limit when the handler throws unexpectedly, then dead-lettered', async () => {
    await caller.emit(event, { id: 'e-crash', mode: 'crash' });
    const [letter] = await deadLetters(event, 1);
    expect(letter).toMatchObject({ reason: 'handler-failed' });
    expect(letter?.detail).toContain('handler bug on e-crash');
    expect(invocations.get('e-crash')).toBe(event.maxDeliveries);
  });

  it('ends a call with bus.dead_lettered instead of leaving the caller to time out', async () => {
    const error = await caller.call(check, { id: 'c-crash', mode: 'crash' }).catch((e: unknown) => e);
    expect(BusErrors.deadLettered.is(error)).toBe(true);
    expect(invocations.get('c-crash')).toBe(check.maxDeliveries);
    const [letter] = await deadLetters(check, 1);
    expect(letter).toMatchObject({ reason: 'handler-failed' });
  });
});

it('keeps the consumer serving after all of that', async () => {
  await expect(caller.call(check, { id: 'after', mode: 'ok' })).resolves.toEqual({ id: 'after' });
  expect(handler.isConnected).toBe(true);
});
