import { describe, expect, it } from 'vitest';
import { BookshopErrors } from '@trellis/contracts';
import { priceOrderLines } from './pricing';

const prices = new Map([
  ['dune', 1399],
  ['foundation', 999],
  ['free-sample', 0],
]);

/** The error a call throws, so a test can look at its code and data. */
function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('priceOrderLines', () => {
  it('prices each line at its unit price and totals quantity × price', () => {
    expect(
      priceOrderLines(
        [
          { bookId: 'dune', quantity: 2 },
          { bookId: 'foundation', quantity: 3 },
        ],
        prices,
      ),
    ).toEqual({
      totalCents: 2 * 1399 + 3 * 999,
      items: [
        { bookId: 'dune', quantity: 2, unitPriceCents: 1399 },
        { bookId: 'foundation', quantity: 3, unitPriceCents: 999 },
      ],
    });
  });

  it('prices a book on every line it appears on, in line order', () => {
    const priced = priceOrderLines(
      [
        { bookId: 'foundation', quantity: 1 },
        { bookId: 'dune', quantity: 1 },
        { bookId: 'foundation', quantity: 4 },
      ],
      prices,
    );
    expect(priced.items.map((item) => [item.bookId, item.quantity])).toEqual([
      ['foundation', 1],
      ['dune', 1],
      ['foundation', 4],
    ]);
    expect(priced.totalCents).toBe(5 * 999 + 1399);
  });

  it('counts a free book at zero rather than refusing it', () => {
    expect(priceOrderLines([{ bookId: 'free-sample', quantity: 5 }], prices).totalCents).toBe(0);
  });

  it('refuses unknown books with catalog.book_not_found naming each unknown id once', () => {
    const error = errorOf(() =>
      priceOrderLines(
        [
          { bookId: 'dune', quantity: 1 },
          { bookId: 'no-such-book', quantity: 1 },
          { bookId: 'lost-manuscript', quantity: 2 },
          { bookId: 'no-such-book', quantity: 3 },
        ],
        prices,
      ),
    );
    expect(BookshopErrors.bookNotFound.is(error)).toBe(true);
    expect(error).toMatchObject({
      status: 404,
      retryable: false,
      data: { bookIds: ['no-such-book', 'lost-manuscript'] },
    });
    expect((error as Error).message).toContain('"no-such-book", "lost-manuscript"');
  });
});
