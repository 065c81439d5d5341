// The raw amqplib request/reply baselines the bus rows are compared with: the same broker work with
// none of the bus's code in the path. The responder runs in a child process (raw-responder.ts).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { connect } from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { DIRECT_REPLY_TO, rawQueueOptions } from './raw-mode';
import type { RawMode } from './raw-mode';
import type { NodeProcess } from '@trellis/testing';
import { startNodeProcess } from '@trellis/testing';
import type { Workload } from './workload';

/** Row label of the at-most-once baseline. */
export const RAW_TRANSIENT_NAME = 'raw amqplib, transient, direct reply-to';
/** Row label of the at-least-once baseline. */
export const RAW_DURABLE_NAME =
  'raw amqplib, quorum, persistent, confirms, ack after handling, direct reply-to';

interface Pending {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

class RawAmqplibWorkload implements Workload {
  readonly name: string;
  readonly policy: Workload['policy'];
  readonly implementation = 'raw' as const;

  private readonly queue: string;
  private connection: ChannelModel | undefined;
  private channel: Channel | ConfirmChannel | undefined;
  private responder: NodeProcess | undefined;
  // Correlation ids are a counter: unique per caller connection, which is all direct reply-to needs.
  private nextId = 0;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly mode: RawMode,
    private readonly url: string,
  ) {
    this.name = mode === 'transient' ? RAW_TRANSIENT_NAME : RAW_DURABLE_NAME;
    this.policy = mode === 'transient' ? 'at-most-once' : 'at-least-once';
    this.queue = `bench.raw.${mode}.${randomBytes(4).toString('hex')}`;
  }

  async setup(): Promise<void> {
    // noDelay on every connection: Nagle costs about 40 ms per call here (perf notes).
    const connection = await connect(this.url, { noDelay: true });
    this.connection = connection;
    connection.on('error', (error: Error) => this.failAll(error));
    connection.on('close', () => this.failAll(new Error('caller connection closed')));

    // Direct reply-to works on a confirm channel too (checked on RabbitMQ 3.10.8), so the durable
    // caller publishes and consumes its replies on one channel, as direct reply-to requires.
    const channel =
      this.mode === 'durable' ? await connection.createConfirmChannel() : await connection.createChannel();
    this.channel = channel;
    channel.on('error', (error: Error) => this.failAll(error));

    // The harness declares the queue (and deletes it in teardown) so its name stays unique per run.
    await channel.assertQueue(this.queue, rawQueueOptions(this.mode));
    await channel.consume(DIRECT_REPLY_TO, (message) => this.onReply(message), { noAck: true });

    this.responder = await startNodeProcess(join(__dirname, 'raw-responder.ts'), {
      name: `raw ${this.mode} responder`,
      env: { AMQP_URL: this.url, RAW_MODE: this.mode, RAW_QUEUE: this.queue },
    });
  }

  call(): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new Error(`${this.name}: call() before setup()`));
    const correlationId = String(this.nextId++);
    const body = Buffer.from(JSON.stringify({ id: correlationId, op: 'ping' }));
    const replied = new Promise<void>((resolve, reject) =>
      this.pending.set(correlationId, { resolve, reject }),
    );
    const options = {
      replyTo: DIRECT_REPLY_TO,
      correlationId,
      contentType: 'application/json',
      persistent: this.mode === 'durable',
    };

    if (this.mode === 'transient') {
      channel.sendToQueue(this.queue, body, options);
      return replied;
    }
    // Each call waits for its own confirm, but the confirms of all calls in flight overlap
    // (no waitForConfirms(), which would serialise them).
    const confirmed = new Promise<void>((resolve, reject) => {
      (channel as ConfirmChannel).sendToQueue(this.queue, body, options, (error: unknown) => {
        if (error) reject(new Error(`${this.name}: publish nacked by the broker`));
        else resolve();
      });
    });
    return Promise.all([confirmed, replied]).then(
      () => undefined,
      (error: unknown) => {
        // A nacked publish gets no reply; drop its entry so a failure does not leak.
        this.pending.delete(correlationId);
        throw error;
      },
    );
  }

  async teardown(): Promise<void> {
    // Responder first, so deleting the queue does not cancel a live consumer under it.
    this.responder?.kill();
    await this.responder?.exited;
    this.responder = undefined;
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    try {
      await this.channel?.deleteQueue(this.queue);
    } finally {
      this.channel = undefined;
      connection.removeAllListeners('close');
      await connection.close();
      this.failAll(new Error(`${this.name}: torn down`));
    }
  }

  private onReply(message: ConsumeMessage | null): void {
    if (!message) return this.failAll(new Error(`${this.name}: reply consumer cancelled`));
    const correlationId = (message.properties as { correlationId?: string }).correlationId;
    if (correlationId === undefined) return;
    const pending = this.pending.get(correlationId);
    if (!pending) return; // a reply after its call gave up
    this.pending.delete(correlationId);
    // Decode like a real caller would, so the baseline pays for the same tiny amount of work.
    JSON.parse(message.content.toString('utf8'));
    pending.resolve();
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** At-most-once baseline: non-durable classic queue, non-persistent messages, no confirms, noAck responder, direct reply-to. */
export function createRawTransientWorkload(url: string): Workload {
  return new RawAmqplibWorkload('transient', url);
}

/**
 * At-least-once baseline: durable quorum queue, persistent messages, one publisher confirm awaited per call
 * (many in flight), responder with prefetch 64 that replies and then acks, direct reply-to.
 * On a single-node broker a quorum queue replicates nothing: this is the cost of fsync and confirms only.
 */
export function createRawDurableWorkload(url: string): Workload {
  return new RawAmqplibWorkload('durable', url);
}
