// How the bookshop's error codes read as problem+json.
import { BookshopErrors } from '@trellis/contracts';

import type { ProblemSpec } from '../gateway-api';

/** Title (and detail, Retry-After) per bookshop error code. */
export const bookshopProblems: ReadonlyMap<string, ProblemSpec> = new Map<string, ProblemSpec>([
  [
    BookshopErrors.unknownSession.code,
    { title: 'Unknown session', detail: 'The session no longer exists; log in again.' },
  ],
  [BookshopErrors.bookNotFound.code, { title: 'Book not found' }],
  [BookshopErrors.emptyCart.code, { title: 'Empty cart' }],
  [BookshopErrors.orderNotFound.code, { title: 'Order not found' }],
  [BookshopErrors.paymentDeclined.code, { title: 'Payment declined' }],
  [
    BookshopErrors.providerUnavailable.code,
    {
      title: 'Payment provider unavailable',
      detail: 'The payment provider did not answer; retry with the same Idempotency-Key.',
      retryAfter: true,
    },
  ],
]);
