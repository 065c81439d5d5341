import fc from 'fast-check';
import type { ConsumeMessage, MessagePropertyHeaders, Options } from 'amqplib';
import { describe, expect, it } from 'vitest';
import type { DeliveryPolicy } from '@trellis/contracts';
import type { OutgoingEnvelope } from './envelope';
import {
  deadLetterHeaders,
  deadLetterReasonOf,
  decodeMessage,
  decodeReplies,
  encodeMessage,
  encodeReplies,
  envelopeContentType,
  packBody,
} from './envelope';

/**
 * What a consumer receives for a message published with `options` and `content`: the properties as amqplib
 * hands them out, plus what the broker adds.
 */
function delivered(
  content: Buffer,
  options: Options.Publish,
  broker: { redelivered?: boolean; headers?: MessagePropertyHeaders } = {},
): ConsumeMessage {
  return {
    content,
    fields: {
      deliveryTag: 1,
      redelivered: broker.redelivered ?? false,
      exchange: 'trellis.bus',
      routingKey: 'cart.view',
      consumerTag: 'ctag-1',
    },
    properties: {
      contentType: options.contentType,
      contentEncoding: undefined,
      headers: { ...(options.headers as MessagePropertyHeaders | undefined), ...broker.headers },
      deliveryMode: options.persistent === true ? 2 : 1,
      priority: undefined,
      correlationId: options.correlationId,
      replyTo: options.replyTo,
      expiration: undefined,
      messageId: options.messageId,
      timestamp: undefined,
      type: options.type,
      userId: undefined,
      appId: undefined,
      clusterId: undefined,
    },
  };
}

function roundTrip(envelope: OutgoingEnvelope, payload: unknown, version = 2, broker = {}) {
  const { json, options } = encodeMessage({ ...contract, version }, envelope, JSON.stringify(payload));
  const decoded = decodeMessage(delivered(packBody([json]), options, broker));
  if (!decoded.ok) return decoded;
  const [entry] = decoded.entries;
  if (entry === undefined || !entry.ok) return entry;
  return { ok: true, envelope: entry.envelope, payload: entry.payload };
}

const contract = { name: 'cart.view', version: 2, policy: 'at-least-once' } as const;
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const fullEnvelope: OutgoingEnvelope = {
  messageId: 'm-1',
  correlationId: 'c-1',
  attempt: 3,
  sentAt: 1_760_000_000_123,
  deadline: 1_760_000_005_123,
  key: 'session-9',
  idempotencyKey: 'order-42',
  replyTo: 'amq.rabbitmq.reply-to.abc',
  trace: { traceparent, tracestate: 'vendor=1' },
};

describe('encodeMessage → decodeMessage', () => {
  it('carries every envelope field and the payload in the body', () => {
    expect(roundTrip(fullEnvelope, { sessionId: 's', items: [1, 2] })).toEqual({
      ok: true,
      payload: { sessionId: 's', items: [1, 2] },
      envelope: {
        contract: 'cart.view',
        version: 2,
        messageId: 'm-1',
        correlationId: 'c-1',
        attempt: 3,
        sentAt: 1_760_000_000_123,
        deadline: 1_760_000_005_123,
        key: 'session-9',
        idempotencyKey: 'order-42',
        replyTo: 'amq.rabbitmq.reply-to.abc',
        previousDeliveries: 0,
        redelivered: false,
        trace: { traceparent, tracestate: 'vendor=1' },
      },
    });
  });

  it('puts only what the broker and operators need in AMQP properties, and no headers', () => {
    const { options } = encodeMessage(contract, fullEnvelope, '{}');
    expect(options).toEqual({
      messageId: 'm-1',
      type: 'cart.view',
      contentType: envelopeContentType,
      persistent: true,
      mandatory: true,
      replyTo: 'amq.rabbitmq.reply-to.abc',
    });
  });

  it.each([
    ['at-most-once', false],
    ['at-least-once', true],
    ['exactly-once', true],
  ] as [DeliveryPolicy, boolean][])('marks %s messages persistent: %s', (policy, persistent) => {
    expect(encodeMessage({ ...contract, policy }, fullEnvelope, '{}').options.persistent).toBe(persistent);
  });

  it('reads what the broker adds: a redelivery and the quorum queue delivery count', () => {
    const decoded = roundTrip(fullEnvelope, {}, 2, { redelivered: true, headers: { 'x-delivery-count': 2 } });
    expect(decoded).toMatchObject({ ok: true, envelope: { redelivered: true, previousDeliveries: 2 } });
  });

  it('round-trips any envelope and payload (property)', () => {
    const text = fc.string({ minLength: 1 });
    const envelopes = fc.record(
      {
        messageId: text,
        correlationId: text,
        attempt: fc.integer({ min: 1, max: 50 }),
        sentAt: fc.integer({ min: 0 }),
        deadline: fc.integer({ min: 0 }),
        key: text,
        idempotencyKey: text,
        replyTo: text,
        trace: fc.record({ traceparent: text, tracestate: text }, { requiredKeys: [] }),
      },
      { requiredKeys: ['messageId', 'correlationId', 'attempt', 'sentAt', 'trace'] },
    );
    fc.assert(
      fc.property(envelopes, fc.jsonValue(), fc.integer({ min: 1, max: 100 }), (sent, payload, version) => {
        const decoded = roundTrip(sent, payload, version);
        expect(decoded).toEqual({
          ok: true,
          payload: JSON.parse(JSON.stringify(payload)) as unknown,
          envelope: {
            contract: contract.name,
            version,
            messageId: sent.messageId,
            correlationId: sent.correlationId,
            attempt: sent.attempt,
            sentAt: sent.sentAt,
            deadline: sent.deadline,
            key: sent.key,
            idempotencyKey: sent.idempotencyKey,
            replyTo: sent.replyTo,
            previousDeliveries: 0,
            redelivered: false,
            trace: sent.trace,
          },
        });
      }),
    );
  });
});

describe('decodeMessage', () => {
  const raw = (body: string, options: Options.Publish = {}) =>
    decodeMessage(delivered(Buffer.from(body), options));

  it('refuses a body that is not JSON, keeping what a reply needs', () => {
    expect(raw('{not json', { replyTo: 'r', messageId: 'm' })).toEqual({
      ok: false,
      problem: 'body is not JSON',
      replyTo: 'r',
      messageId: 'm',
    });
  });

  it.each([
    ['42', 'body is not an envelope'],
    ['{"contract":"cart.view"}', 'unknown envelope format undefined'],
    ['{"envelope":9,"contract":"cart.view"}', 'unknown envelope format 9'],
    [
      '{"envelope":1,"contract":"cart.view","payload":{}}',
      'envelope lacks contract, contractVersion or messageId',
    ],
  ])('refuses the entry %s, naming the problem', (body, problem) => {
    const decoded = raw(body);
    expect(decoded.ok && decoded.entries[0]).toMatchObject({ ok: false, problem });
  });

  it('falls back to the message id for a missing correlation id and to attempt 1', () => {
    const decoded = raw(
      '{"envelope":1,"contract":"cart.view","contractVersion":1,"messageId":"m-9","payload":null}',
    );
    expect(decoded.ok && decoded.entries[0]).toMatchObject({
      ok: true,
      envelope: { correlationId: 'm-9', attempt: 1 },
    });
  });

  it('reads every call of a pack on its own, a broken one beside good ones', () => {
    const one = encodeMessage(contract, { ...fullEnvelope, messageId: 'm-1' }, '{"n":1}').json;
    const two = encodeMessage(contract, { ...fullEnvelope, messageId: 'm-2', deliveries: 2 }, '{"n":2}').json;
    const decoded = decodeMessage(
      delivered(
        packBody([one, '{"broken":true}', two]),
        { replyTo: 'r' },
        { headers: { 'x-delivery-count': 1 } },
      ),
    );
    expect(
      decoded.ok && decoded.entries.map((entry) => (entry.ok ? entry.envelope.messageId : entry.problem)),
    ).toEqual(['m-1', 'unknown envelope format undefined', 'm-2']);
    // Deliveries add the broker's count of this AMQP message to what the bus counted when it republished.
    expect(decoded.ok && decoded.entries[2]).toMatchObject({
      ok: true,
      payload: { n: 2 },
      envelope: { previousDeliveries: 3 },
    });
  });
});

describe('replies', () => {
  it('travel alone as an object and packed as an array, and read back the same', () => {
    const first = { correlationId: 'm-1', contract: 'cart.view', ok: true as const, reply: { n: 1 } };
    const second = {
      correlationId: 'm-2',
      contract: 'cart.view',
      ok: false as const,
      error: { code: 'bus.timeout', message: 'slow', status: 504, retryable: true },
    };
    expect(JSON.parse(encodeReplies([first]).toString())).toEqual(first);
    expect(decodeReplies(encodeReplies([first]))).toEqual([first]);
    expect(decodeReplies(encodeReplies([first, second]))).toEqual([first, second]);
  });
});

describe('dead-letter headers', () => {
  it('keep the original identity and add the reason and a bounded detail', () => {
    const { json, options: sent } = encodeMessage(contract, fullEnvelope, '{}');
    const content = packBody([json]);
    const options = deadLetterHeaders(
      delivered(content, sent),
      'handler-failed',
      `internal.unexpected: ${'x'.repeat(5_000)}`,
    );
    expect(options).toMatchObject({
      messageId: 'm-1',
      type: 'cart.view',
      contentType: envelopeContentType,
      persistent: true,
    });
    const { reason, detail } = deadLetterReasonOf(delivered(content, options));
    expect(reason).toBe('handler-failed');
    expect(detail).toHaveLength(1000);
  });

  it("read the broker's reason when the broker dead-lettered the message, and 'unknown' otherwise", () => {
    expect(
      deadLetterReasonOf({ properties: { headers: { 'x-first-death-reason': 'delivery_limit' } } }),
    ).toEqual({
      reason: 'delivery_limit',
      detail: undefined,
    });
    expect(deadLetterReasonOf({ properties: {} })).toEqual({ reason: 'unknown', detail: undefined });
  });
});
