import type { Queryable } from '@trellis/database';
import type { Book } from './book';

interface BookRow {
  id: string;
  title: string;
  author: string;
  price_cents: number;
}

function toBook(row: BookRow): Book {
  return { id: row.id, title: row.title, author: row.author, priceCents: row.price_cents };
}

/** The catalog's books in its own schema (`books`); reads only, the shelf is stocked by migrations. */
export class BookRepository {
  constructor(private readonly db: Queryable) {}

  /** Every book, by title and then id, so that the order is the same on every node and every call. */
  async list(): Promise<Book[]> {
    const rows = await this.db.query<BookRow>(
      'SELECT id, title, author, price_cents FROM books ORDER BY title, id',
    );
    return rows.map(toBook);
  }

  /** The book with this id, or undefined. */
  async find(bookId: string): Promise<Book | undefined> {
    const [row] = await this.db.query<BookRow>(
      'SELECT id, title, author, price_cents FROM books WHERE id = $1',
      [bookId],
    );
    return row === undefined ? undefined : toBook(row);
  }

  /** Today's unit price of each of `bookIds` that exists, by id; unknown ids are simply absent. */
  async unitPrices(bookIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.db.query<Pick<BookRow, 'id' | 'price_cents'>>(
      'SELECT id, price_cents FROM books WHERE id = ANY($1::text[])',
      [[...new Set(bookIds)]],
    );
    return new Map(rows.map((row) => [row.id, row.price_cents]));
  }
}
