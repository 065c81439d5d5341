// The merge rules as share-everything uses them: whole values written into Y.Docs on two nodes that exchange
// Yjs updates, converging whatever was written on each side while they were apart.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CartValue, MergeRule } from './merge-rules';
import { addWinsCart, newDoc, singleValue } from './merge-rules';

/** A node's doc for one key, with a fixed client id so runs are reproducible. */
function docOf(clientId: number): Y.Doc {
  const doc = newDoc();
  doc.clientID = clientId;
  return doc;
}

/** Anti-entropy between two docs: each sends what the other lacks (state-vector diff with the delete set). */
function exchange(a: Y.Doc, b: Y.Doc): void {
  const forB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  const forA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
  Y.applyUpdate(b, forB);
  Y.applyUpdate(a, forA);
}

/** Two nodes' docs of one key, in both client-id orders (Yjs breaks some ties by client id). */
const clientOrders = [
  [1, 2],
  [2, 1],
] as const;

const cart = (...lines: [string, number][]): CartValue => ({
  items: lines.map(([bookId, quantity]) => ({ bookId, quantity })),
});

function both<Value>(rule: MergeRule<Value>, a: Y.Doc, b: Y.Doc): [unknown, unknown] {
  return [rule.read(a), rule.read(b)];
}

describe('addWinsCart on two docs exchanging updates', () => {
  it.each(clientOrders)(
    'keeps a book one node sets while the other removes it (clients %i, %i)',
    (ca, cb) => {
      const a = docOf(ca);
      const b = docOf(cb);
      addWinsCart.write(a, 'cart-a:1', cart(['b1', 1]));
      exchange(a, b);

      addWinsCart.write(a, 'cart-a:1', cart(['b1', 2]));
      addWinsCart.write(b, 'cart-b:1', cart());
      expect(addWinsCart.read(b)).toBeUndefined();
      exchange(a, b);

      expect(both(addWinsCart, a, b)).toEqual([cart(['b1', 2]), cart(['b1', 2])]);
    },
  );

  it.each(clientOrders)(
    'shows the larger of two concurrent quantity sets, then the next set (clients %i, %i)',
    (ca, cb) => {
      const a = docOf(ca);
      const b = docOf(cb);
      addWinsCart.write(a, 'cart-a:1', cart(['b1', 1]));
      exchange(a, b);

      addWinsCart.write(a, 'cart-a:1', cart(['b1', 5]));
      addWinsCart.write(b, 'cart-b:1', cart(['b1', 3]));
      exchange(a, b);
      expect(both(addWinsCart, a, b)).toEqual([cart(['b1', 5]), cart(['b1', 5])]);

      // A set after the merge replaces both concurrent ones: the shopper can correct the line.
      addWinsCart.write(b, 'cart-b:1', cart(['b1', 2]));
      exchange(a, b);
      expect(both(addWinsCart, a, b)).toEqual([cart(['b1', 2]), cart(['b1', 2])]);
    },
  );

  it('does not bring back a book removed on one node when the other node changes another book', () => {
    const a = docOf(1);
    const b = docOf(2);
    addWinsCart.write(a, 'cart-a:1', cart(['b1', 1], ['b2', 1]));
    exchange(a, b);

    // b's write carries b1 unchanged: only its b2 line is an edit, so a's concurrent remove of b1 stands.
    addWinsCart.write(a, 'cart-a:1', cart(['b2', 1]));
    addWinsCart.write(b, 'cart-b:1', cart(['b1', 1], ['b2', 4]));
    exchange(a, b);

    expect(both(addWinsCart, a, b)).toEqual([cart(['b2', 4]), cart(['b2', 4])]);
  });

  it('keeps books added on both nodes apart, sorted by book id', () => {
    const a = docOf(1);
    const b = docOf(2);
    addWinsCart.write(a, 'cart-a:1', cart(['b3', 1]));
    addWinsCart.write(b, 'cart-b:1', cart(['b1', 2]));
    exchange(a, b);
    expect(both(addWinsCart, a, b)).toEqual([cart(['b1', 2], ['b3', 1]), cart(['b1', 2], ['b3', 1])]);
  });

  it('reads an emptied cart as none, and takes a new cart into the same doc after it', () => {
    const a = docOf(1);
    const b = docOf(2);
    addWinsCart.write(a, 'cart-a:1', cart(['b1', 1], ['b2', 2]));
    exchange(a, b);
    addWinsCart.write(b, 'cart-b:1', undefined);
    exchange(a, b);
    expect(both(addWinsCart, a, b)).toEqual([undefined, undefined]);

    addWinsCart.write(a, 'cart-a:1', cart(['b2', 1]));
    exchange(a, b);
    expect(both(addWinsCart, a, b)).toEqual([cart(['b2', 1]), cart(['b2', 1])]);
  });
});

describe('singleValue on two docs exchanging updates', () => {
  const session = singleValue<{ userId: string; openedAt: number }>();

  it.each(clientOrders)(
    'converges to one of two concurrent writes, the same on both (clients %i, %i)',
    (ca, cb) => {
      const a = docOf(ca);
      const b = docOf(cb);
      const fromA = { userId: 'ada', openedAt: 1 };
      const fromB = { userId: 'bob', openedAt: 2 };
      session.write(a, 'cart-a:1', fromA);
      session.write(b, 'cart-b:1', fromB);
      exchange(a, b);

      const [onA, onB] = both(session, a, b);
      expect(onA).toEqual(onB);
      expect([fromA, fromB]).toContainEqual(onA);
    },
  );

  it('reads a value written into a doc whose value was deleted, on both nodes', () => {
    const a = docOf(1);
    const b = docOf(2);
    session.write(a, 'cart-a:1', { userId: 'ada', openedAt: 1 });
    exchange(a, b);
    session.write(b, 'cart-b:1', undefined);
    exchange(a, b);
    expect(both(session, a, b)).toEqual([undefined, undefined]);

    session.write(a, 'cart-a:1', { userId: 'ada', openedAt: 2 });
    expect(session.read(a)).toEqual({ userId: 'ada', openedAt: 2 });
    exchange(a, b);
    expect(session.read(b)).toEqual({ userId: 'ada', openedAt: 2 });
  });

  it.each(clientOrders)('keeps a write concurrent with a delete (clients %i, %i)', (ca, cb) => {
    const a = docOf(ca);
    const b = docOf(cb);
    session.write(a, 'cart-a:1', { userId: 'ada', openedAt: 1 });
    exchange(a, b);

    session.write(a, 'cart-a:1', undefined);
    session.write(b, 'cart-b:1', { userId: 'ada', openedAt: 2 });
    exchange(a, b);

    expect(both(session, a, b)).toEqual([
      { userId: 'ada', openedAt: 2 },
      { userId: 'ada', openedAt: 2 },
    ]);
  });
});
