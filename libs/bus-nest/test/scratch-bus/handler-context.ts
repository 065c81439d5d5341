import type {
  CallContract,
  HandledRequestOf,
  HandlerReplyOf,
  MessageContract,
  RequestOf,
} from '@trellis/contracts';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { IncomingEnvelope } from './envelope';

/** What a handler knows about the message it handles, and what it may do besides replying. */
export interface HandlerContext {
  readonly messageId: string;
  /** Stable across the attempts of one call. */
  readonly correlationId: string;
  readonly attempt: number;
  /** True when the broker delivered this message before (to this or another node). */
  readonly redelivered: boolean;
  readonly key: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly logger: Logger;
  /**
   * Exactly-once handlers only: the Postgres client of the transaction that also records the idempotency key;
   * the handler's writes go through it so that they commit together. Throws for other policies.
   */
  readonly db: PoolClient;
  /**
   * Emits a one-way message. In an exactly-once handler it goes into the transactional outbox and leaves only
   * if the transaction commits; elsewhere it is published at once.
   */
  emit<C extends MessageContract>(contract: C, message: RequestOf<C>): Promise<void>;
}

/** Handles a request/reply interface. */
export type CallHandler<C extends CallContract> = (
  request: HandledRequestOf<C>,
  context: HandlerContext,
) => Promise<HandlerReplyOf<C>> | HandlerReplyOf<C>;

/** Handles a one-way interface. */
export type MessageHandler<C extends MessageContract> = (
  message: HandledRequestOf<C>,
  context: HandlerContext,
) => Promise<void> | void;

/** Builds the context of one delivery. */
export function handlerContext(
  envelope: IncomingEnvelope,
  parentLogger: Logger,
  emit: HandlerContext['emit'],
  db: PoolClient | undefined,
): HandlerContext {
  // A child logger costs more than handling a small message: create it only when the handler logs.
  let logger: Logger | undefined;
  return {
    messageId: envelope.messageId,
    correlationId: envelope.correlationId,
    attempt: envelope.attempt,
    redelivered: envelope.redelivered,
    key: envelope.key,
    idempotencyKey: envelope.idempotencyKey,
    get logger(): Logger {
      logger ??= parentLogger.child({ interface: envelope.contract, messageId: envelope.messageId });
      return logger;
    },
    get db(): PoolClient {
      if (db === undefined) throw new Error('context.db exists only in exactly-once handlers');
      return db;
    },
    emit,
  };
}
