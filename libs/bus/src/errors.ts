import { defineErrorType } from '@trellis/contracts';

/**
 * The bus's error catalogue. `retryable` is what the caller's retry strategy reads: a retryable error on an
 * at-least-once or exactly-once call is tried again; a non-retryable one ends the call at once.
 */
export const BusErrors = {
  /** No reply within the contract's timeout: the handler may or may not have run. */
  timeout: defineErrorType('bus.timeout', 504, true),
  /** The broker connection is down (or the bus is closing) and the call could not be sent. */
  unavailable: defineErrorType('bus.unavailable', 503, true),
  /** The broker had no queue for the message: no node of the handling family has ever started. */
  noRoute: defineErrorType('bus.no_route', 503, true),
  /** The connection carrying the call broke before its reply arrived. */
  connectionLost: defineErrorType('bus.connection_lost', 503, true),
  /** Every attempt of an exactly-once call failed: the effect may or may not have happened; read it back by key. */
  outcomeUnknown: defineErrorType('bus.outcome_unknown', 504, false),
  /** The request (or reply) does not match the contract's schema. */
  invalidMessage: defineErrorType('bus.invalid_message', 400, false),
  /** The same idempotency key was used with a different request. */
  idempotencyConflict: defineErrorType('bus.idempotency_conflict', 422, false),
  /** A call with the same idempotency key is still being handled. */
  inProgress: defineErrorType('bus.in_progress', 409, true),
  /** The handler kept failing and the message went to the dead-letter queue. */
  deadLettered: defineErrorType('bus.dead_lettered', 500, false),
  /** The node had as many at-most-once messages in hand as the contract's prefetch allows; this one was shed. */
  overloaded: defineErrorType('bus.overloaded', 503, true),
};
