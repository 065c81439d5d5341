import { z } from 'zod';
import { defineCall } from '../contract';
import { bookId, line } from './ids';

/** A book as the shop sells it. */
export const book = z.object({
  id: bookId,
  title: z.string(),
  author: z.string(),
  priceCents: z.number().int().min(0),
});

/** Lists the books. Reads are safe to repeat: at-least-once. */
export const listBooks = defineCall({
  name: 'catalog.list',
  policy: 'at-least-once',
  request: z.object({}),
  reply: z.object({ items: z.array(book) }),
  timeoutMs: 2_000,
});

/** Reads one book; `catalog.book_not_found` when there is none. */
export const getBook = defineCall({
  name: 'catalog.get',
  policy: 'at-least-once',
  request: z.object({ bookId }),
  reply: book,
  timeoutMs: 2_000,
});

/** Prices order lines at today's prices; `catalog.book_not_found` for an unknown book. */
export const priceLines = defineCall({
  name: 'catalog.price',
  policy: 'at-least-once',
  request: z.object({ items: z.array(line).min(1) }),
  reply: z.object({
    totalCents: z.number().int().min(0),
    items: z.array(line.extend({ unitPriceCents: z.number().int().min(0) })),
  }),
  timeoutMs: 2_000,
});
