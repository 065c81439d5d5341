import type { ConsumeMessage, Options } from 'amqplib';
import type { Contract, ErrorData } from '@trellis/contracts';
import { isDurable } from '@trellis/contracts';

/**
 * The envelope travels in the message body, as JSON around the payload, not in AMQP headers: every AMQP header
 * and property costs the broker and amqplib per message (measured: five small headers cut request/reply
 * throughput by a quarter), while a few more bytes of JSON cost almost nothing. It is versioned so that a
 * receiver can refuse a format it does not know, and every field is per call, ready for packing several calls
 * into one message. AMQP properties carry only what the broker or an operator needs: the message id, the
 * contract name (`type`), reply-to and persistence.
 */
export const envelopeFormat = 1;

/** Content type of an enveloped message. */
export const envelopeContentType = 'application/vnd.trellis.envelope+json';

/** Headers the bus adds when it dead-letters a message itself, so an operator sees why. */
const deadLetterReasonHeader = 'x-dead-letter-reason';
const deadLetterDetailHeader = 'x-dead-letter-detail';

/** What a sender knows about one attempt. */
export interface OutgoingEnvelope {
  /** Unique per attempt; the reply carries it back as its correlation id. */
  messageId: string;
  /** Stable across the attempts of one call (or the deliveries of one emitted message). */
  correlationId: string;
  attempt: number;
  sentAt: number;
  /** Epoch ms after which the caller no longer waits; absent for emitted messages. */
  deadline?: number;
  key?: string;
  idempotencyKey?: string;
  replyTo?: string;
  /** W3C trace context (`traceparent`, `tracestate`). */
  trace: Record<string, string>;
}

/** An encoded attempt: the body and the AMQP properties to publish it with. */
export interface EncodedMessage {
  content: Buffer;
  options: Options.Publish;
}

/**
 * Encodes one attempt of `contract`. `payloadJson` is the request already serialised (once per call, not
 * per attempt).
 */
export function encodeMessage(
  contract: Pick<Contract, 'name' | 'version' | 'policy'>,
  envelope: OutgoingEnvelope,
  payloadJson: string,
): EncodedMessage {
  const head = JSON.stringify({
    envelope: envelopeFormat,
    contract: contract.name,
    contractVersion: contract.version,
    messageId: envelope.messageId,
    correlationId: envelope.correlationId,
    attempt: envelope.attempt,
    sentAt: envelope.sentAt,
    deadline: envelope.deadline,
    key: envelope.key,
    idempotencyKey: envelope.idempotencyKey,
    trace: envelope.trace,
  });
  const options: Options.Publish = {
    messageId: envelope.messageId,
    type: contract.name,
    contentType: envelopeContentType,
    persistent: isDurable(contract.policy),
    mandatory: true,
  };
  if (envelope.replyTo !== undefined) options.replyTo = envelope.replyTo;
  return { content: Buffer.from(`${head.slice(0, -1)},"payload":${payloadJson}}`), options };
}

/** What a handler knows about a delivery. */
export interface IncomingEnvelope {
  contract: string;
  version: number;
  messageId: string;
  correlationId: string;
  attempt: number;
  sentAt: number;
  deadline: number | undefined;
  key: string | undefined;
  idempotencyKey: string | undefined;
  replyTo: string | undefined;
  /** Deliveries before this one (quorum queues count them; 0 on a first delivery). */
  previousDeliveries: number;
  redelivered: boolean;
  trace: Record<string, string>;
}

/** A delivery read: its envelope and payload, or why it cannot be handled (it is then dead-lettered). */
export type DecodedMessage =
  | { ok: true; envelope: IncomingEnvelope; payload: unknown }
  | { ok: false; problem: string; replyTo: string | undefined; messageId: string | undefined };

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function traceOf(value: unknown): Record<string, string> {
  const trace: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return trace;
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry === 'string') trace[name] = entry;
  }
  return trace;
}

/** Reads a delivery; never throws, so that anything foreign or broken can be dead-lettered with its reason. */
export function decodeMessage(message: ConsumeMessage): DecodedMessage {
  const { properties } = message;
  const replyTo = optionalString(properties.replyTo);
  const fail = (problem: string): DecodedMessage => ({
    ok: false,
    problem,
    replyTo,
    messageId: optionalString(properties.messageId),
  });
  let body: unknown;
  try {
    body = JSON.parse(message.content.toString('utf8'));
  } catch {
    return fail('body is not JSON');
  }
  if (typeof body !== 'object' || body === null) return fail('body is not an envelope');
  const fields = body as Record<string, unknown>;
  if (fields['envelope'] !== envelopeFormat)
    return fail(`unknown envelope format ${String(fields['envelope'])}`);
  const contract = optionalString(fields['contract']);
  const version = optionalNumber(fields['contractVersion']);
  const messageId = optionalString(fields['messageId']);
  const attempt = optionalNumber(fields['attempt']);
  const sentAt = optionalNumber(fields['sentAt']);
  if (contract === undefined || version === undefined || messageId === undefined) {
    return fail('envelope lacks contract, contractVersion or messageId');
  }
  const headers: Record<string, unknown> = properties.headers ?? {};
  return {
    ok: true,
    payload: fields['payload'],
    envelope: {
      contract,
      version,
      messageId,
      correlationId: optionalString(fields['correlationId']) ?? messageId,
      attempt: attempt ?? 1,
      sentAt: sentAt ?? 0,
      deadline: optionalNumber(fields['deadline']),
      key: optionalString(fields['key']),
      idempotencyKey: optionalString(fields['idempotencyKey']),
      replyTo,
      previousDeliveries: optionalNumber(headers['x-delivery-count']) ?? 0,
      redelivered: message.fields.redelivered,
      trace: traceOf(fields['trace']),
    },
  };
}

/** The body of a reply: the handler's reply or its error, as data. */
export type ReplyBody = { ok: true; reply: unknown } | { ok: false; error: ErrorData };

/** Properties of a message that the bus dead-letters itself: the original's, plus the reason. */
export function deadLetterHeaders(message: ConsumeMessage, reason: string, detail: string): Options.Publish {
  const properties = message.properties;
  const options: Options.Publish = {
    headers: {
      ...(properties.headers ?? {}),
      [deadLetterReasonHeader]: reason,
      [deadLetterDetailHeader]: detail.slice(0, 1000),
    },
    persistent: true,
  };
  for (const field of ['messageId', 'correlationId', 'type', 'contentType'] as const) {
    const value: unknown = properties[field];
    if (typeof value === 'string') options[field] = value;
  }
  return options;
}

/** The reason a message was dead-lettered, by the bus (with a detail) or by the broker (delivery limit). */
export function deadLetterReasonOf(message: { properties: { headers?: Record<string, unknown> } }): {
  reason: string;
  detail: string | undefined;
} {
  const headers: Record<string, unknown> = message.properties.headers ?? {};
  const reason =
    optionalString(headers[deadLetterReasonHeader]) ??
    optionalString(headers['x-first-death-reason']) ??
    'unknown';
  return { reason, detail: optionalString(headers[deadLetterDetailHeader]) };
}
