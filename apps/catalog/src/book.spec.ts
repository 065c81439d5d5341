import { expect, it } from 'vitest';
import { BookshopErrors } from '@trellis/contracts';
import { requireBook } from './book';

const dune = { id: 'dune', title: 'Dune', author: 'Frank Herbert', priceCents: 1399 };

it('returns the book that was found', () => {
  expect(requireBook('dune', dune)).toBe(dune);
});

it('throws catalog.book_not_found naming the id when there is no such book', () => {
  expect(() => requireBook('no-such-book', undefined)).toThrow(
    expect.objectContaining({
      code: BookshopErrors.bookNotFound.code,
      message: 'no book "no-such-book" in the catalog',
      data: { bookIds: ['no-such-book'] },
    }),
  );
});
