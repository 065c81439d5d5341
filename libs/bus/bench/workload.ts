// The contract every row of the request/reply benchmark implements, raw amqplib and bus alike.

/** Delivery policy a workload stands for; raw rows name the policy they are the baseline of. */
export type DeliveryPolicy = 'at-most-once' | 'at-least-once' | 'exactly-once';

/**
 * One row of the request/reply benchmark. The runner calls `setup()` once, then `call()` from many
 * concurrent workers, then `teardown()` once (also after a failed run).
 */
export interface Workload {
  /** Row label, e.g. 'raw amqplib, transient, direct reply-to'. Unique within one run. */
  readonly name: string;
  readonly policy: DeliveryPolicy;
  readonly implementation: 'bus' | 'raw';
  /** Starts the responder (in a CHILD process, so caller and responder are separate processes as in production) and connects the caller. */
  setup(): Promise<void>;
  /** One request/reply with a tiny JSON payload; resolves on the reply. Must be safe to call concurrently. */
  call(): Promise<void>;
  /** Stops the responder, deletes what setup declared and closes the caller's connections. Also called after a setup that threw, so it must cope with a partial setup. */
  teardown(): Promise<void>;
}

/** The identifying part of a workload, carried into results and the report. */
export type WorkloadInfo = Pick<Workload, 'name' | 'policy' | 'implementation'>;
