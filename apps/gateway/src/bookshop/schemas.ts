// The REST API's input and output schemas, built from the contracts' own schemas so that what the gateway
// accepts is exactly what the bus will accept. Fastify validates with them and the OpenAPI document is
// generated from them.
import { z } from 'zod';
import {
  bookId,
  book,
  cartView,
  listBooks,
  order,
  orderId,
  quantity,
  sendSms,
  sessionId,
  userId,
} from '@trellis/contracts';

/** `POST /v1/sessions` body. */
export const loginBody = z.object({ userId });

/** `POST /v1/sessions` reply: the session id and the bearer token that carries it. */
export const sessionCreated = z.object({ sessionId, token: z.string() });

/** `GET /v1/books` reply. */
export const bookList = listBooks.reply;

/** One book. */
export const bookView = book;

/** `GET /v1/books/:id` path. */
export const bookParams = z.object({ id: bookId });

/** `/v1/cart/items/:bookId` path. */
export const cartItemParams = z.object({ bookId });

/** `PUT /v1/cart/items/:bookId` body. */
export const setCartItemBody = z.object({ quantity });

/** A cart. */
export const cartBody = cartView;

/**
 * The headers of a route to an exactly-once interface: the client's Idempotency-Key (visible ASCII, as HTTP
 * header values are), which makes a retried request the same call. Loose, so the other headers stay on the
 * request.
 */
export const idempotencyKeyHeaders = z.looseObject({
  'idempotency-key': z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 visible ASCII characters'),
});

/** `POST /v1/orders` headers: the client's Idempotency-Key. */
export const placeOrderHeaders = idempotencyKeyHeaders;

/** An order as the client sees it (the owner is the caller, so the user id is left out). */
export const orderBody = order.omit({ userId: true });

/** `POST /v1/orders` 202 when the outcome is not known yet: retry with the same Idempotency-Key. */
export const pendingOrderBody = z.object({ status: z.literal('pending') });

/** `GET /v1/orders/:orderId` path. */
export const orderParams = z.object({ orderId });

/** `POST /v1/sms` body: the contract's own message. */
export const smsBody = sendSms.request;

/** The problem+json body every error has (for the OpenAPI document). */
export const problemBody = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  code: z.string(),
  requestId: z.string(),
  issues: z.unknown().optional(),
});
