import { bulkhead } from 'cockatiel';
import type { BulkheadPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import type { Notification } from './notification';
import type { NotificationLog } from './notification-log.repository';

/** How hard the gateway may push the provider behind it. */
export interface SendLimits {
  /** Sends in flight at once, at most. */
  concurrentSends: number;
  /** Sends waiting for a slot, at most; one more is refused (cockatiel's `BulkheadRejectedError`). */
  queuedSends: number;
}

/** What became of one send. */
export type SendOutcome = 'sent' | 'already-sent';

/**
 * The stand-in for the real SMS and e-mail gateways: "sending" records the notification in the family's
 * table and logs it. Load regulation: a real provider's API takes only a few requests at once, so sends go
 * through a bulkhead — never more than `concurrentSends` in flight, the rest waiting their turn — instead
 * of passing every message the bus hands over straight on to the provider.
 */
export class NotificationGateway {
  private readonly limiter: BulkheadPolicy;

  constructor(
    private readonly log: NotificationLog,
    limits: SendLimits,
  ) {
    this.limiter = bulkhead(limits.concurrentSends, limits.queuedSends);
  }

  /** Sends one notification, once: a notification already sent is logged and skipped. */
  async send(notification: Notification, logger: Logger): Promise<SendOutcome> {
    const sent = await this.limiter.execute(() => this.log.record(notification));
    const fields = {
      kind: notification.kind,
      recipient: notification.recipient,
      orderId: notification.orderId ?? undefined,
    };
    if (!sent) {
      logger.info(fields, `${notification.kind} already sent; not sending it again`);
      return 'already-sent';
    }
    logger.info({ ...fields, body: notification.body }, `${notification.kind} sent`);
    return 'sent';
  }
}
