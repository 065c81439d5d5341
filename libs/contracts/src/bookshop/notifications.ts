import { z } from 'zod';
import { defineMessage } from '../contract';
import { line, orderId, userId } from './ids';

/** An SMS: fire and forget (at-most-once), a lost one is not worth a duplicate. */
export const sendSms = defineMessage({
  name: 'notifications.sms',
  policy: 'at-most-once',
  request: z.object({ to: z.string().regex(/^\+[1-9]\d{6,14}$/), text: z.string().min(1).max(160) }),
});

/** An order was paid: the confirmation e-mail must go out (at-least-once, from the orders outbox). */
export const orderConfirmed = defineMessage({
  name: 'notifications.orderConfirmed',
  policy: 'at-least-once',
  request: z.object({ orderId, userId, totalCents: z.number().int().min(0), items: z.array(line) }),
});
