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
  /** Deliveries the bus already made of this message (it republishes a message whose handler failed). */
  deliveries?: number;
  replyTo?: string;
  /** W3C trace context (`traceparent`, `tracestate`). */
  trace: Record<string, string>;
}

/** An encoded attempt: the envelope's JSON and the AMQP properties to publish it with. */
export interface EncodedMessage {
  json: string;
  options: Options.Publish;
}

/**
 * Encodes one attempt of `contract`. `payloadJson` is the request already serialised (once per call, not
 * per attempt). Several encoded messages to the same queue may leave together as one AMQP message (a pack):
 * see {@link packBody}.
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
    deliveries: envelope.deliveries,
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
  return { json: `${head.slice(0, -1)},"payload":${payloadJson}}`, options };
}

/** The body of one AMQP message carrying one envelope, or several (a pack, as a JSON array). */
export function packBody(jsons: readonly string[]): Buffer {
  return Buffer.from(jsons.length === 1 ? (jsons[0] ?? '') : `[${jsons.join(',')}]`);
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

/** One envelope of a delivery: read, or why it cannot be handled (it is then dead-lettered on its own). */
export type DecodedEntry =
  | { ok: true; envelope: IncomingEnvelope; payload: unknown; fields: Record<string, unknown> }
  | { ok: false; problem: string; messageId: string | undefined; fields: unknown };

/** A delivery read: its envelopes, or why its body cannot be read at all. */
export type DecodedMessage =
  | { ok: true; entries: DecodedEntry[] }
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

function decodeEntry(value: unknown, message: ConsumeMessage, brokerDeliveries: number): DecodedEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problem: 'body is not an envelope', messageId: undefined, fields: value };
  }
  const fields = value as Record<string, unknown>;
  const messageId = optionalString(fields['messageId']);
  const fail = (problem: string): DecodedEntry => ({ ok: false, problem, messageId, fields });
  if (fields['envelope'] !== envelopeFormat)
    return fail(`unknown envelope format ${String(fields['envelope'])}`);
  const contract = optionalString(fields['contract']);
  const version = optionalNumber(fields['contractVersion']);
  if (contract === undefined || version === undefined || messageId === undefined) {
    return fail('envelope lacks contract, contractVersion or messageId');
  }
  return {
    ok: true,
    payload: fields['payload'],
    fields,
    envelope: {
      contract,
      version,
      messageId,
      correlationId: optionalString(fields['correlationId']) ?? messageId,
      attempt: optionalNumber(fields['attempt']) ?? 1,
      sentAt: optionalNumber(fields['sentAt']) ?? 0,
      deadline: optionalNumber(fields['deadline']),
      key: optionalString(fields['key']),
      idempotencyKey: optionalString(fields['idempotencyKey']),
      replyTo: optionalString(message.properties.replyTo),
      previousDeliveries: (optionalNumber(fields['deliveries']) ?? 0) + brokerDeliveries,
      redelivered: message.fields.redelivered,
      trace: traceOf(fields['trace']),
    },
  };
}

/** Reads a delivery; never throws, so that anything foreign or broken can be dead-lettered with its reason. */
export function decodeMessage(message: ConsumeMessage): DecodedMessage {
  const { properties } = message;
  let body: unknown;
  try {
    body = JSON.parse(message.content.toString('utf8'));
  } catch {
    return {
      ok: false,
      problem: 'body is not JSON',
      replyTo: optionalString(properties.replyTo),
      messageId: optionalString(properties.messageId),
    };
  }
  const headers: Record<string, unknown> = properties.headers ?? {};
  // Quorum queues count the broker's own redeliveries of this AMQP message (after a consumer died).
  const brokerDeliveries = optionalNumber(headers['x-delivery-count']) ?? 0;
  const values = Array.isArray(body) ? body : [body];
  return { ok: true, entries: values.map((value) => decodeEntry(value, message, brokerDeliveries)) };
}

/** One reply: to which attempt (its message id), for which interface, and the reply or the error. */
export type ReplyItem = { correlationId: string; contract: string } & ReplyBody;

/** The body of a reply message: one reply, or several to the same caller (a pack). */
export function encodeReplies(items: readonly ReplyItem[]): Buffer {
  return Buffer.from(JSON.stringify(items.length === 1 ? items[0] : items));
}

/** Reads a reply message; throws on a body that is not JSON. */
export function decodeReplies(content: Buffer): ReplyItem[] {
  const body = JSON.parse(content.toString('utf8')) as ReplyItem | ReplyItem[];
  return Array.isArray(body) ? body : [body];
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
