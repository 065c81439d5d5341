import { bookNotFound } from './book';

/** A line to price: a book and how many of it. */
export interface OrderLine {
  bookId: string;
  quantity: number;
}

/** A line with the unit price it was priced at. */
export interface PricedLine extends OrderLine {
  unitPriceCents: number;
}

/** Lines priced at today's prices, and what they cost together. */
export interface PricedLines {
  totalCents: number;
  items: PricedLine[];
}

/**
 * Prices `lines` at `unitPrices` (cents per book id): every line keeps its place and quantity and gets its
 * book's unit price; the total is the sum of quantity × unit price. A book that appears on several lines is
 * priced on each. Throws `catalog.book_not_found` naming every unknown id (once each, in line order) and
 * prices nothing then: a partial price would let an order go through without some of its books.
 */
export function priceOrderLines(
  lines: readonly OrderLine[],
  unitPrices: ReadonlyMap<string, number>,
): PricedLines {
  const unknown = [...new Set(lines.map((line) => line.bookId))].filter((id) => !unitPrices.has(id));
  if (unknown.length > 0) throw bookNotFound(unknown);
  let totalCents = 0;
  const items = lines.map(({ bookId, quantity }) => {
    // Present: every unknown id was refused above.
    const unitPriceCents = unitPrices.get(bookId) ?? 0;
    totalCents += quantity * unitPriceCents;
    return { bookId, quantity, unitPriceCents };
  });
  return { totalCents, items };
}
