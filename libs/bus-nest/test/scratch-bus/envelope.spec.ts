import fc from 'fast-check';
import type { ConsumeMessage, MessagePropertyHeaders, Options } from 'amqplib';
import { describe, expect, it } from 'vitest';
import type { DeliveryPolicy } from '@trellis/contracts';
import type { OutgoingEnvelope } from './envelope';
import { deadLetterHeaders, deadLetterReasonOf, publishOptions, readEnvelope } from './envelope';

/**
 * What a consumer receives for a message published with `options`: the properties as amqplib hands them out
 * (every field present, `persistent` turned into a delivery mode), plus what the broker adds.
 */
function delivered(
  options: Options.Publish,
  broker: { redelivered?: boolean; headers?: MessagePropertyHeaders } = {},
): ConsumeMessage {
  return {
    content: Buffer.from('{}'),
    fields: {
      deliveryTag: 1,
      redelivered: broker.redelivered ?? false,
      exchange: 'trellis.bus',
      routingKey: 'cart.view',
      consumerTag: 'ctag-1',
    },
    properties: {
      contentType: options.contentType,
      contentEncoding: options.contentEncoding,
      headers: { ...(options.headers as MessagePropertyHeaders | undefined), ...broker.headers },
      deliveryMode: options.persistent === true ? 2 : 1,
      priority: options.priority,
      correlationId: options.correlationId,
      replyTo: options.replyTo,
      expiration: options.expiration,
      messageId: options.messageId,
      timestamp: options.timestamp,
      type: options.type,
      userId: options.userId,
      appId: options.appId,
      clusterId: undefined,
    },
  };
}

/** A foreign message: no headers and none of the bus's properties. */
function foreign(): ConsumeMessage {
  const message = delivered({});
  message.properties.headers = undefined;
  return message;
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
  idempotencyKey: 'idem-4',
  replyTo: 'amq.rabbitmq.reply-to',
  trace: { traceparent, tracestate: 'vendor=1' },
};

describe('publishOptions → readEnvelope', () => {
  it('carries every envelope field and the contract name and version to the handler', () => {
    const envelope = readEnvelope(delivered(publishOptions(contract, fullEnvelope)));
    expect(envelope).toEqual({
      contract: 'cart.view',
      version: 2,
      messageId: 'm-1',
      correlationId: 'c-1',
      attempt: 3,
      sentAt: 1_760_000_000_123,
      deadline: 1_760_000_005_123,
      key: 'session-9',
      idempotencyKey: 'idem-4',
      replyTo: 'amq.rabbitmq.reply-to',
      previousDeliveries: 0,
      redelivered: false,
      trace: { traceparent, tracestate: 'vendor=1' },
    });
  });

  it('leaves the optional fields out when the sender had none (an emitted message)', () => {
    const options = publishOptions(contract, {
      messageId: 'm-2',
      correlationId: 'm-2',
      attempt: 1,
      sentAt: 5,
      trace: {},
    });
    expect(options.headers).not.toHaveProperty('x-deadline');
    expect(options.headers).not.toHaveProperty('x-key');
    expect(options.headers).not.toHaveProperty('x-idempotency-key');
    expect(options).not.toHaveProperty('replyTo');
    const envelope = readEnvelope(delivered(options));
    expect(envelope).toMatchObject({
      deadline: undefined,
      key: undefined,
      idempotencyKey: undefined,
      replyTo: undefined,
      trace: {},
    });
  });

  it.each([
    ['at-most-once', false],
    ['at-least-once', true],
    ['exactly-once', true],
  ] as [DeliveryPolicy, boolean][])('makes %s messages persistent: %s', (policy, persistent) => {
    expect(publishOptions({ ...contract, policy }, fullEnvelope).persistent).toBe(persistent);
  });

  it('always publishes mandatory, typed JSON with a timestamp in seconds', () => {
    const options = publishOptions(contract, fullEnvelope);
    expect(options).toMatchObject({
      mandatory: true,
      type: 'cart.view',
      contentType: 'application/json',
      timestamp: 1_760_000_000,
    });
  });

  it('reads what the broker adds: redelivery and the quorum queue delivery count', () => {
    const envelope = readEnvelope(
      delivered(publishOptions(contract, fullEnvelope), {
        redelivered: true,
        headers: { 'x-delivery-count': 2 },
      }),
    );
    expect(envelope.redelivered).toBe(true);
    expect(envelope.previousDeliveries).toBe(2);
  });

  it('round-trips any envelope', () => {
    const text = fc.string({ minLength: 1, maxLength: 40 });
    const epochMs = fc.integer({ min: 0, max: 4_102_444_800_000 });
    const envelopes = fc.record(
      {
        messageId: text,
        correlationId: text,
        attempt: fc.integer({ min: 1, max: 1_000 }),
        sentAt: epochMs,
        deadline: epochMs,
        key: text,
        idempotencyKey: text,
        replyTo: text,
        trace: fc.record(
          {
            traceparent: fc
              .tuple(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[0-9a-f]{16}$/))
              .map(([traceId, spanId]) => `00-${traceId}-${spanId}-01`),
            tracestate: text,
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['messageId', 'correlationId', 'attempt', 'sentAt', 'trace'] },
    );
    fc.assert(
      fc.property(envelopes, fc.integer({ min: 1, max: 100 }), (sent: OutgoingEnvelope, version) => {
        const read = readEnvelope(delivered(publishOptions({ ...contract, version }, sent)));
        expect(read).toEqual({
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
        });
      }),
    );
  });
});

describe('readEnvelope', () => {
  it('tolerates a foreign message with no headers, so it can still be dead-lettered', () => {
    expect(readEnvelope(foreign())).toEqual({
      contract: undefined,
      version: undefined,
      messageId: '',
      correlationId: '',
      attempt: 1,
      sentAt: undefined,
      deadline: undefined,
      key: undefined,
      idempotencyKey: undefined,
      replyTo: undefined,
      previousDeliveries: 0,
      redelivered: false,
      trace: {},
    });
  });

  it('falls back to the message id for a missing correlation id', () => {
    expect(readEnvelope(delivered({ messageId: 'm-9' })).correlationId).toBe('m-9');
  });

  it('reads numbers sent as strings by another client and ignores garbage', () => {
    const envelope = readEnvelope(
      delivered({
        headers: {
          'x-contract-version': '3',
          'x-attempt': 'often',
          'x-deadline': '1700',
          'x-key': 7,
          traceparent: '',
        },
      }),
    );
    expect(envelope).toMatchObject({ version: 3, attempt: 1, deadline: 1700, key: undefined, trace: {} });
  });
});

describe('dead-letter headers', () => {
  it('keep the original headers and identity and add the reason and a bounded detail', () => {
    const original = delivered(publishOptions(contract, fullEnvelope));
    const options = deadLetterHeaders(
      original,
      'handler-failed',
      `internal.unexpected: ${'x'.repeat(5_000)}`,
    );
    expect(options).toMatchObject({
      messageId: 'm-1',
      correlationId: 'c-1',
      type: 'cart.view',
      contentType: 'application/json',
      persistent: true,
    });
    expect(options.headers).toMatchObject({ 'x-contract': 'cart.view', 'x-key': 'session-9', traceparent });
    const { reason, detail } = deadLetterReasonOf(delivered(options));
    expect(reason).toBe('handler-failed');
    expect(detail).toHaveLength(1_000);
    expect(detail).toMatch(/^internal\.unexpected: x+$/);
  });

  it('dead-letter a foreign message too', () => {
    const options = deadLetterHeaders(foreign(), 'invalid', 'bus.invalid_message: body is not JSON');
    expect(options.messageId).toBeUndefined();
    expect(deadLetterReasonOf(delivered(options))).toEqual({
      reason: 'invalid',
      detail: 'bus.invalid_message: body is not JSON',
    });
  });

  it("fall back to the broker's reason when the broker dead-lettered the message itself", () => {
    const byBroker = { properties: { headers: { 'x-first-death-reason': 'delivery_limit' } } };
    expect(deadLetterReasonOf(byBroker)).toEqual({ reason: 'delivery_limit', detail: undefined });
  });

  it("prefer the bus's reason over the broker's", () => {
    const both = {
      properties: {
        headers: { 'x-dead-letter-reason': 'rejected', 'x-first-death-reason': 'rejected_by_broker' },
      },
    };
    expect(deadLetterReasonOf(both).reason).toBe('rejected');
  });

  it('say unknown when nobody gave a reason', () => {
    expect(deadLetterReasonOf(foreign())).toEqual({ reason: 'unknown', detail: undefined });
  });
});
