import type { z } from 'zod';
import { type DeliveryPolicy, deliveryPolicies } from './delivery-policy';

/** How a caller backs off between attempts (exponential with jitter). `maxAttempts` counts the first one. */
export interface RetryLimits {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Where a message goes: to `any` node of the handling family (competing consumers), or `by-key` to the node
 * that owns the key taken from the request (consistent hashing over partitions).
 */
export type Routing<Request> = { kind: 'any' } | { kind: 'by-key'; keyOf: (request: Request) => string };

interface ContractShape<RequestSchema extends z.ZodType> {
  /** `family.verb`; the family is the node family that handles it. */
  readonly name: string;
  /** Bumped on a breaking change of the schemas; a handler refuses messages of another version. */
  readonly version: number;
  readonly policy: DeliveryPolicy;
  readonly request: RequestSchema;
  readonly routing: Routing<z.output<RequestSchema>>;
  /** The most messages one node takes on at once for this interface (the first piece of back pressure). */
  readonly prefetch: number;
  /** Deliveries of one message before it is dead-lettered as poison. */
  readonly maxDeliveries: number;
  readonly retry: RetryLimits;
}

/** A request/reply interface. */
export interface CallContract<
  RequestSchema extends z.ZodType = z.ZodType,
  ReplySchema extends z.ZodType = z.ZodType,
> extends ContractShape<RequestSchema> {
  readonly kind: 'call';
  readonly reply: ReplySchema;
  /** How long one attempt may take; a slow node is a dead node. */
  readonly timeoutMs: number;
}

/** A one-way interface (a command or an event): emitted, handled by every subscribing family. */
export interface MessageContract<
  MessageSchema extends z.ZodType = z.ZodType,
> extends ContractShape<MessageSchema> {
  readonly kind: 'message';
  /** How long the emitter waits for the broker's confirm of one attempt (durable policies). */
  readonly timeoutMs: number;
}

/** Either kind of interface. */
export type Contract = CallContract | MessageContract;

/** What a caller passes. */
export type RequestOf<C extends Contract> = z.input<C['request']>;
/** What a handler receives, after validation. */
export type HandledRequestOf<C extends Contract> = z.output<C['request']>;
/** What a call resolves to. */
export type ReplyOf<C extends CallContract> = z.output<C['reply']>;
/** What a handler returns. */
export type HandlerReplyOf<C extends CallContract> = z.input<C['reply']>;

type Options<RequestSchema extends z.ZodType> = {
  name: string;
  version?: number;
  policy: DeliveryPolicy;
  request: RequestSchema;
  routing?: Routing<z.output<RequestSchema>>;
  timeoutMs?: number;
  prefetch?: number;
  maxDeliveries?: number;
  retry?: Partial<RetryLimits>;
};

const defaultTimeoutMs = 5_000;
const defaultPrefetch = 64;
const defaultMaxDeliveries = 5;
const defaultRetry: RetryLimits = { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 2_000 };

function shape<RequestSchema extends z.ZodType>(options: Options<RequestSchema>) {
  const problems: string[] = [];
  if (!/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/.test(options.name)) {
    problems.push('name must be "family.verb" in camelCase words');
  }
  if (!deliveryPolicies.includes(options.policy))
    problems.push(`policy must be one of ${deliveryPolicies.join(', ')}`);
  const retry = { ...defaultRetry, ...options.retry };
  // At-most-once never re-sends: a second attempt could be a duplicate.
  if (options.policy === 'at-most-once') retry.maxAttempts = 1;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const prefetch = options.prefetch ?? defaultPrefetch;
  const maxDeliveries = options.maxDeliveries ?? defaultMaxDeliveries;
  const version = options.version ?? 1;
  for (const [field, value] of Object.entries({
    timeoutMs,
    prefetch,
    maxDeliveries,
    version,
    'retry.maxAttempts': retry.maxAttempts,
    'retry.initialDelayMs': retry.initialDelayMs,
    'retry.maxDelayMs': retry.maxDelayMs,
  })) {
    if (!Number.isInteger(value) || value < 1)
      problems.push(`${field} must be a positive integer (got ${value})`);
  }
  if (problems.length > 0) throw new Error(`contract ${options.name}: ${problems.join('; ')}`);
  return {
    name: options.name,
    version,
    policy: options.policy,
    request: options.request,
    routing: options.routing ?? { kind: 'any' as const },
    timeoutMs,
    prefetch,
    maxDeliveries,
    retry,
  };
}

/** Declares a request/reply interface, shared by caller and handler. Throws on an invalid declaration. */
export function defineCall<RequestSchema extends z.ZodType, ReplySchema extends z.ZodType>(
  options: Options<RequestSchema> & { reply: ReplySchema },
): CallContract<RequestSchema, ReplySchema> {
  return Object.freeze({ kind: 'call' as const, ...shape(options), reply: options.reply });
}

/** Declares a one-way interface (command or event), shared by emitter and handlers. */
export function defineMessage<MessageSchema extends z.ZodType>(
  options: Options<MessageSchema>,
): MessageContract<MessageSchema> {
  return Object.freeze({ kind: 'message' as const, ...shape(options) });
}

/** The node family that handles an interface: the part of its name before the dot. */
export function familyOf(contract: Contract): string {
  return contract.name.slice(0, contract.name.indexOf('.'));
}
