import { BookshopErrors } from '@trellis/contracts';
import type { TrellisError } from '@trellis/contracts';

/** A book as the catalog keeps it: its price is today's price, in whole cents. */
export interface Book {
  id: string;
  title: string;
  author: string;
  priceCents: number;
}

/**
 * The `catalog.book_not_found` error naming every unknown id, in `data.bookIds`, so a caller pricing a
 * whole cart learns all the lines to drop at once rather than one per attempt.
 */
export function bookNotFound(bookIds: readonly string[]): TrellisError {
  const names = bookIds.map((id) => `"${id}"`).join(', ');
  return BookshopErrors.bookNotFound.create(
    bookIds.length === 1 ? `no book ${names} in the catalog` : `no books ${names} in the catalog`,
    { bookIds: [...bookIds] },
  );
}

/** The book that was found, or throws `catalog.book_not_found` naming `bookId`. */
export function requireBook(bookId: string, found: Book | undefined): Book {
  if (found === undefined) throw bookNotFound([bookId]);
  return found;
}
