// What the write phase was told it wrote, checked against what the carts hold afterwards: figures for a data
// layer that lost writes under load would be worthless, so the bench looks.
import { forEachLimited } from './closed-loop';

/** A cart line that differs from the last acknowledged write of it. */
export interface Mismatch {
  readonly sessionId: string;
  readonly bookId: string;
  readonly expected: number;
  readonly found: number | undefined;
}

/** What the check found. */
export interface CartCheck {
  readonly sessions: number;
  readonly lines: number;
  readonly mismatches: readonly Mismatch[];
}

/**
 * The last acknowledged quantity of every (session, book) written. It is what the cart must hold only if writes
 * of one session are never in flight together, which the write phase ensures (each session is written by one
 * worker, one call at a time); a pair whose write failed has an unknown outcome and is skipped.
 */
export class WrittenCarts {
  private readonly acknowledged = new Map<string, Map<string, number>>();
  private readonly uncertain = new Set<string>();

  /** The write of `quantity` was acknowledged. */
  acknowledge(sessionId: string, bookId: string, quantity: number): void {
    let books = this.acknowledged.get(sessionId);
    if (books === undefined) {
      books = new Map();
      this.acknowledged.set(sessionId, books);
    }
    books.set(bookId, quantity);
  }

  /** The write failed: it may or may not have been applied, so the pair is not checked. */
  fail(sessionId: string, bookId: string): void {
    this.uncertain.add(`${sessionId} ${bookId}`);
  }

  /** Reads every written cart (`concurrency` at once) and compares each acknowledged line. */
  async check(
    read: (sessionId: string) => Promise<{ items: readonly { bookId: string; quantity: number }[] }>,
    concurrency: number,
  ): Promise<CartCheck> {
    const mismatches: Mismatch[] = [];
    let lines = 0;
    await forEachLimited([...this.acknowledged], concurrency, async ([sessionId, books]) => {
      const cart = await read(sessionId);
      const held = new Map(cart.items.map((item) => [item.bookId, item.quantity]));
      for (const [bookId, expected] of books) {
        if (this.uncertain.has(`${sessionId} ${bookId}`)) continue;
        lines += 1;
        const found = held.get(bookId);
        if (found !== expected) mismatches.push({ sessionId, bookId, expected, found });
      }
    });
    return { sessions: this.acknowledged.size, lines, mismatches };
  }
}
