import { Inject, Injectable } from '@nestjs/common';
import type { HandlerContext } from '@trellis/bus-nest';
import { HandlesCall } from '@trellis/bus-nest';
import type { HandledRequestOf, HandlerReplyOf } from '@trellis/contracts';
import { getBook, listBooks, priceLines } from '@trellis/contracts';
import { requireBook } from './book';
import { BookRepository } from './book.repository';
import { priceOrderLines } from './pricing';

/** The catalog family's interfaces on the bus: read the books, price order lines. */
@Injectable()
export class CatalogHandlers {
  constructor(@Inject(BookRepository) private readonly books: BookRepository) {}

  /** `catalog.list`: every book, in a stable order. */
  @HandlesCall(listBooks)
  async list(
    _request: HandledRequestOf<typeof listBooks>,
    _context: HandlerContext,
  ): Promise<HandlerReplyOf<typeof listBooks>> {
    return { items: await this.books.list() };
  }

  /** `catalog.get`: one book, or `catalog.book_not_found`. */
  @HandlesCall(getBook)
  async get(
    { bookId }: HandledRequestOf<typeof getBook>,
    _context: HandlerContext,
  ): Promise<HandlerReplyOf<typeof getBook>> {
    return requireBook(bookId, await this.books.find(bookId));
  }

  /** `catalog.price`: the lines at today's prices and their total, or `catalog.book_not_found`. */
  @HandlesCall(priceLines)
  async price(
    { items }: HandledRequestOf<typeof priceLines>,
    _context: HandlerContext,
  ): Promise<HandlerReplyOf<typeof priceLines>> {
    const unitPrices = await this.books.unitPrices(items.map((item) => item.bookId));
    return priceOrderLines(items, unitPrices);
  }
}
