// What the notifications family sends, composed from the messages it receives. Plain data and functions:
// the gateway that sends them and the bus that delivers the messages live elsewhere.

/** One SMS or e-mail, ready for a gateway. */
export interface Notification {
  kind: 'sms' | 'email';
  /** A phone number in E.164 form for an SMS, a mailbox for an e-mail. */
  recipient: string;
  body: string;
  /** The order it is about, when it is about one. */
  orderId: string | null;
  /** The bus message it came from, so that a redelivery of that message is not sent twice. */
  messageId: string | null;
}

/** An SMS as the `notifications.sms` contract carries it. */
export interface SmsRequest {
  to: string;
  text: string;
}

/** The `notifications.orderConfirmed` event. */
export interface OrderConfirmedEvent {
  orderId: string;
  userId: string;
  totalCents: number;
  items: ReadonlyArray<{ bookId: string; quantity: number }>;
}

/** The SMS to send for a `notifications.sms` message; the text is sent as it came. */
export function smsNotification(sms: SmsRequest, messageId: string): Notification {
  return { kind: 'sms', recipient: sms.to, body: sms.text, orderId: null, messageId };
}

/**
 * The mailbox of a user. The bookshop has no user directory yet, so the address is derived from the user id
 * in a reserved domain (`.example` never delivers): enough for the stand-in gateway, and one place to change.
 */
export function mailboxOf(userId: string): string {
  return `${encodeURIComponent(userId)}@users.bookshop.example`;
}

/** Cents as euros for a reader, e.g. 3797 → "€37.97" (orders are charged in EUR only). */
export function formatEuros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}€${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

/** The confirmation e-mail for a paid order: subject line, one line per book, the total. */
export function orderConfirmationEmail(event: OrderConfirmedEvent, messageId: string): Notification {
  const books = event.items.reduce((sum, item) => sum + item.quantity, 0);
  const body = [
    `Subject: Your bookshop order ${event.orderId} is confirmed`,
    '',
    `Thank you for your order of ${books} ${books === 1 ? 'book' : 'books'}:`,
    ...event.items.map((item) => `  ${item.quantity} × ${item.bookId}`),
    '',
    `Total paid: ${formatEuros(event.totalCents)}`,
  ].join('\n');
  return { kind: 'email', recipient: mailboxOf(event.userId), body, orderId: event.orderId, messageId };
}
