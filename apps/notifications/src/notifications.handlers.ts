import { Inject, Injectable } from '@nestjs/common';
import type { HandlerContext } from '@trellis/bus-nest';
import { Subscribes } from '@trellis/bus-nest';
import type { HandledRequestOf } from '@trellis/contracts';
import { orderConfirmed, sendSms } from '@trellis/contracts';
import { orderConfirmationEmail, smsNotification } from './notification';
import { NotificationGateway } from './notification-gateway';

/** The notifications family's subscriptions: turn each message into a notification and send it. */
@Injectable()
export class NotificationsHandlers {
  constructor(@Inject(NotificationGateway) private readonly gateway: NotificationGateway) {}

  /**
   * `notifications.sms`, at-most-once: sent when it arrives; one lost to a crash or to load shedding is
   * not resent (a duplicate SMS costs more than a missing one).
   */
  @Subscribes(sendSms)
  async sms(message: HandledRequestOf<typeof sendSms>, context: HandlerContext): Promise<void> {
    await this.gateway.send(smsNotification(message, context.messageId), context.logger);
  }

  /**
   * `notifications.orderConfirmed`, at-least-once: the event may arrive more than once, so the e-mail is
   * keyed by its order id and written once per order — effectively-once by natural key, with no inbox.
   * A failed send throws, and the bus redelivers the event.
   */
  @Subscribes(orderConfirmed)
  async orderConfirmed(
    event: HandledRequestOf<typeof orderConfirmed>,
    context: HandlerContext,
  ): Promise<void> {
    await this.gateway.send(orderConfirmationEmail(event, context.messageId), context.logger);
  }
}
