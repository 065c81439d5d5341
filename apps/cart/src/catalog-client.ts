// The catalogue as the cart sees it, reached over the bus.
import type { Bus } from '@trellis/bus';
import { getBook } from '@trellis/contracts';
import type { BookCatalog } from './session-carts';

/**
 * Asks the catalog node with `catalog.get`. Its `catalog.book_not_found` reaches the cart's caller as it
 * arrived; a timeout or an unreachable catalogue fails the cart call with the bus's retryable error.
 */
export class BusBookCatalog implements BookCatalog {
  constructor(private readonly bus: Bus) {}

  async requireBook(bookId: string): Promise<void> {
    await this.bus.call(getBook, { bookId });
  }
}
