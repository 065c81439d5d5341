import type { Queryable } from '@trellis/database';
import type { Notification } from './notification';

/** Where sent notifications are kept: the stand-in gateways' record of what they sent. */
export interface NotificationLog {
  /** Records a notification; false when it was already there (same order's e-mail, same bus message). */
  record(notification: Notification): Promise<boolean>;
}

/** The notifications family's own table (`notifications` in its schema). */
export class NotificationLogRepository implements NotificationLog {
  constructor(private readonly db: Queryable) {}

  async record(notification: Notification): Promise<boolean> {
    // No conflict target on purpose: both unique keys mean "already sent" — one e-mail per order (the
    // natural key) and one notification per bus message (a redelivery) — and neither is an error.
    const inserted = await this.db.query<{ id: string }>(
      `INSERT INTO notifications (kind, recipient, body, order_id, message_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        notification.kind,
        notification.recipient,
        notification.body,
        notification.orderId,
        notification.messageId,
      ],
    );
    return inserted.length > 0;
  }
}
