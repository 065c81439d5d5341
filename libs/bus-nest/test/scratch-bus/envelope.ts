import type { ConsumeMessage, Options } from 'amqplib';
import type { Contract, ErrorData } from '@trellis/contracts';
import { isDurable } from '@trellis/contracts';

/** Header names of the envelope; everything per call travels per message, never per connection. */
const header = {
  contract: 'x-contract',
  version: 'x-contract-version',
  attempt: 'x-attempt',
  sentAt: 'x-sent-at',
  deadline: 'x-deadline',
  key: 'x-key',
  idempotencyKey: 'x-idempotency-key',
  deadLetterReason: 'x-dead-letter-reason',
  deadLetterDetail: 'x-dead-letter-detail',
} as const;

/** What a sender knows about one attempt. */
export interface OutgoingEnvelope {
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
  /** W3C trace context headers (`traceparent`, `tracestate`). */
  trace: Record<string, string>;
}

/** The AMQP properties for an attempt of `contract`. */
export function publishOptions(
  contract: Pick<Contract, 'name' | 'version' | 'policy'>,
  envelope: OutgoingEnvelope,
): Options.Publish {
  const headers: Record<string, string | number> = {
    [header.contract]: contract.name,
    [header.version]: contract.version,
    [header.attempt]: envelope.attempt,
    [header.sentAt]: envelope.sentAt,
    ...envelope.trace,
  };
  if (envelope.deadline !== undefined) headers[header.deadline] = envelope.deadline;
  if (envelope.key !== undefined) headers[header.key] = envelope.key;
  if (envelope.idempotencyKey !== undefined) headers[header.idempotencyKey] = envelope.idempotencyKey;
  return {
    messageId: envelope.messageId,
    correlationId: envelope.correlationId,
    timestamp: Math.floor(envelope.sentAt / 1000),
    type: contract.name,
    contentType: 'application/json',
    persistent: isDurable(contract.policy),
    mandatory: true,
    headers,
    ...(envelope.replyTo === undefined ? {} : { replyTo: envelope.replyTo }),
  };
}

/** What a handler knows about a delivery, read from its properties. */
export interface IncomingEnvelope {
  contract: string | undefined;
  version: number | undefined;
  messageId: string;
  correlationId: string;
  attempt: number;
  sentAt: number | undefined;
  deadline: number | undefined;
  key: string | undefined;
  idempotencyKey: string | undefined;
  replyTo: string | undefined;
  /** Deliveries before this one (quorum queues count them; 0 on a first delivery). */
  previousDeliveries: number;
  redelivered: boolean;
  trace: Record<string, string>;
}

function numberOr(value: unknown, fallback: number | undefined): number | undefined {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(parsed) ? parsed : fallback;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Reads the envelope of a delivery; tolerant, so that a foreign message can still be dead-lettered. */
export function readEnvelope(message: ConsumeMessage): IncomingEnvelope {
  const properties = message.properties;
  const headers: Record<string, unknown> = properties.headers ?? {};
  const trace: Record<string, string> = {};
  for (const name of ['traceparent', 'tracestate']) {
    const value = stringOr(headers[name]);
    if (value !== undefined) trace[name] = value;
  }
  const messageId = stringOr(properties.messageId) ?? '';
  return {
    contract: stringOr(headers[header.contract]),
    version: numberOr(headers[header.version], undefined),
    messageId,
    correlationId: stringOr(properties.correlationId) ?? messageId,
    attempt: numberOr(headers[header.attempt], 1) ?? 1,
    sentAt: numberOr(headers[header.sentAt], undefined),
    deadline: numberOr(headers[header.deadline], undefined),
    key: stringOr(headers[header.key]),
    idempotencyKey: stringOr(headers[header.idempotencyKey]),
    replyTo: stringOr(properties.replyTo),
    previousDeliveries: numberOr(headers['x-delivery-count'], 0) ?? 0,
    redelivered: message.fields.redelivered,
    trace,
  };
}

/** The body of a reply: the handler's reply or its error, as data. */
export type ReplyBody = { ok: true; reply: unknown } | { ok: false; error: ErrorData };

/** Headers added to a message that the bus dead-letters itself, so an operator sees why. */
export function deadLetterHeaders(message: ConsumeMessage, reason: string, detail: string): Options.Publish {
  const properties = message.properties;
  const options: Options.Publish = {
    headers: {
      ...(properties.headers ?? {}),
      [header.deadLetterReason]: reason,
      [header.deadLetterDetail]: detail.slice(0, 1000),
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
export function deadLetterReasonOf(
  message: ConsumeMessage | { properties: { headers?: Record<string, unknown> } },
): {
  reason: string;
  detail: string | undefined;
} {
  const headers: Record<string, unknown> = message.properties.headers ?? {};
  const reason =
    stringOr(headers[header.deadLetterReason]) ?? stringOr(headers['x-first-death-reason']) ?? 'unknown';
  return { reason, detail: stringOr(headers[header.deadLetterDetail]) };
}
