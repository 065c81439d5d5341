// How a dataset's values merge when replicas diverge (share-everything): each rule reads and writes one
// value in a Yjs doc, so replicas exchange Yjs updates and converge whatever the order or number of them.
import * as Y from 'yjs';
import type { CartLine } from './cart-crdt';
import { CartReplica } from './cart-crdt';

/**
 * One dataset's merge: how its value is kept in a Y.Doc. `write` changes the doc so that `read` gives `next`
 * on this replica; what `read` gives after concurrent writes on other replicas is the rule's business.
 */
export interface MergeRule<Value> {
  /** Shown in the cluster view (`single-value`, `add-wins-cart`). */
  readonly name: string;
  /** The value the doc holds, undefined when it holds none (never written, or deleted). */
  read(doc: Y.Doc): unknown;
  /** Makes the doc hold `next` (undefined deletes it) as the edit of writer `writerId`. */
  write(doc: Y.Doc, writerId: string, next: Value | undefined): void;
}

const REGISTER_MAP = 'register';
const REGISTER_KEY = 'value';

/**
 * A single value (a session, say) as one Yjs map entry. Concurrent writes: one of them wins, the same one on
 * every replica (Yjs orders concurrent writes of one map key by the writers' client ids, not by time, so it is
 * not "last writer wins" by the clock). A write concurrent with a delete survives it: a delete removes only the
 * write it saw.
 */
export function singleValue<Value>(): MergeRule<Value> {
  return {
    name: 'single-value',
    read: (doc) => {
      const text = doc.getMap<string>(REGISTER_MAP).get(REGISTER_KEY);
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    },
    write: (doc, _writerId, next) => {
      const map = doc.getMap<string>(REGISTER_MAP);
      if (next === undefined) map.delete(REGISTER_KEY);
      else map.set(REGISTER_KEY, JSON.stringify(next));
    },
  };
}

/** A cart as the add-wins rule keeps it: lines by book, sorted by book id. */
export interface CartValue {
  items: CartLine[];
}

/**
 * A shopping cart as an add-wins map of book → quantity (see {@link CartReplica}): a remove concurrent with
 * an add keeps the book; concurrent quantity sets show the largest. A write is turned into the per-book edits
 * that differ from what the replica holds, so unchanged lines are not rewritten (and cannot undo a concurrent
 * remove elsewhere). An empty cart reads as none.
 */
export const addWinsCart: MergeRule<CartValue> = {
  name: 'add-wins-cart',
  read: (doc) => {
    const items = cartOf(doc, '').view();
    return items.length === 0 ? undefined : { items };
  },
  write: (doc, writerId, next) => {
    const cart = cartOf(doc, writerId);
    const wanted = new Map((next?.items ?? []).map((line) => [line.bookId, line.quantity]));
    for (const line of cart.view()) {
      if (!wanted.has(line.bookId)) cart.remove(line.bookId);
    }
    const held = new Map(cart.view().map((line) => [line.bookId, line.quantity]));
    for (const [bookId, quantity] of wanted) {
      if (held.get(bookId) !== quantity) cart.setQuantity(bookId, quantity);
    }
  },
};

/** A cart view over `doc`; reading needs no writer, so it gets a placeholder that never writes. */
function cartOf(doc: Y.Doc, writerId: string): CartReplica {
  return new CartReplica({ writerId: writerId === '' ? 'reader' : writerId, doc });
}

/** A fresh doc for one key of a share-everything dataset. */
export function newDoc(): Y.Doc {
  return new Y.Doc({ gc: true });
}
