// What the raw amqplib caller and responder must agree on: the two modes and their queue arguments.
import type { Options } from 'amqplib';

/** `transient`: the at-most-once baseline. `durable`: the at-least-once baseline. */
export type RawMode = 'transient' | 'durable';

/** Consumer prefetch of the durable responder (the transient one consumes with noAck, so has none). */
export const RAW_DURABLE_PREFETCH = 64;

/** The pseudo-queue of RabbitMQ's direct reply-to. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/** Narrows a command-line argument to a mode, or throws naming the bad value. */
export function parseRawMode(value: string | undefined): RawMode {
  if (value === 'transient' || value === 'durable') return value;
  throw new Error(`raw mode must be 'transient' or 'durable', got ${JSON.stringify(value)}`);
}

/**
 * Queue arguments per mode. Both queues expire after a minute without consumers (`x-expires`), so a run
 * killed before its teardown leaves nothing behind for long; while the responder consumes they never expire.
 */
export function rawQueueOptions(mode: RawMode): Options.AssertQueue {
  const expires = { 'x-expires': 60_000 };
  return mode === 'transient'
    ? { durable: false, arguments: { ...expires } }
    : { durable: true, arguments: { ...expires, 'x-queue-type': 'quorum' } };
}
