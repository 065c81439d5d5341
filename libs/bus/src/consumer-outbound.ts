import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { ReplyItem } from './envelope';
import { encodeReplies } from './envelope';

/**
 * What a consumer sends back on its channel: replies, packed per caller, and then the acknowledgements, in the
 * same flush and in that order, so a delivery is acknowledged only after its replies left. Replies settled in
 * the same turn of the event loop share one AMQP message per caller (the packing of the calling side).
 */
export class ConsumerOutbound {
  private readonly replies = new Map<string, ReplyItem[]>();
  private readonly settlements: { message: ConsumeMessage; ack: boolean }[] = [];
  private flushScheduled = false;

  constructor(
    private readonly channel: Channel,
    private readonly logger: Logger,
  ) {}

  reply(replyTo: string, item: ReplyItem): void {
    const waiting = this.replies.get(replyTo);
    if (waiting === undefined) this.replies.set(replyTo, [item]);
    else waiting.push(item);
    this.schedule();
  }

  /** Acknowledges a delivery, or (ack false) requeues it whole, after the replies queued before it. */
  settle(message: ConsumeMessage, ack: boolean): void {
    this.settlements.push({ message, ack });
    this.schedule();
  }

  /** Sends everything queued now. Never throws: on a closed channel the broker requeues what was not acked. */
  flush(): void {
    this.flushScheduled = false;
    const replies = [...this.replies];
    const settlements = this.settlements.splice(0);
    this.replies.clear();
    try {
      for (const [replyTo, items] of replies) {
        this.channel.publish('', replyTo, encodeReplies(items), { contentType: 'application/json' });
      }
      for (const { message, ack } of settlements) {
        if (ack) this.channel.ack(message);
        else this.channel.nack(message, false, true);
      }
    } catch (error) {
      this.logger.warn(
        { err: error },
        'could not send replies or acknowledgements; the broker will redeliver',
      );
    }
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => this.flush());
  }
}
