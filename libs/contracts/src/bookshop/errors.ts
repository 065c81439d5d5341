import { defineErrorType } from '../errors';

/** The bookshop's error catalogue: stable codes the gateway maps to problem+json types. */
export const BookshopErrors = {
  /** The session's data is gone (its node died under share-nothing): the client logs in again. */
  unknownSession: defineErrorType('sessions.unknown_session', 401, false),
  bookNotFound: defineErrorType('catalog.book_not_found', 404, false),
  emptyCart: defineErrorType('orders.empty_cart', 422, false),
  orderNotFound: defineErrorType('orders.order_not_found', 404, false),
  /** The payment provider refused the charge (not a failure of ours: the order ends up failed). */
  paymentDeclined: defineErrorType('payments.declined', 402, false),
  /** The payment provider did not answer in time or answered 5xx/429: try again with the same key. */
  providerUnavailable: defineErrorType('payments.provider_unavailable', 503, true),
};
