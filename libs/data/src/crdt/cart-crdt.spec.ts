// The add-wins cart against partitions: fixed scenarios, delivery order, and an independent OR-set oracle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CartReplica } from './cart-crdt';
import type { CartLine } from './cart-crdt';

/** Full anti-entropy between two replicas: exchange state vectors, then diffs. Returns bytes sent. */
function antiEntropy(a: CartReplica, b: CartReplica): number {
  const vectorA = a.encodeStateVector();
  const vectorB = b.encodeStateVector();
  const forB = a.encodeUpdateSince(vectorB);
  const forA = b.encodeUpdateSince(vectorA);
  b.applyUpdate(forB);
  a.applyUpdate(forA);
  return vectorA.byteLength + vectorB.byteLength + forA.byteLength + forB.byteLength;
}

function replica(writerId: string, clientId: number): CartReplica {
  return new CartReplica({ writerId, clientId });
}

describe('CartReplica: add wins over a concurrent remove', () => {
  it('keeps a book one side re-sets while the other side removes it during a partition', () => {
    const a = replica('a', 1);
    const b = replica('b', 2);
    a.setQuantity('book-1', 1);
    antiEntropy(a, b);
    // Partition: a raises the quantity, b removes the book.
    a.setQuantity('book-1', 2);
    b.remove('book-1');
    expect(b.view()).toEqual([]);
    antiEntropy(a, b);
    expect(a.view()).toEqual([{ bookId: 'book-1', quantity: 2 }]);
    expect(b.view()).toEqual(a.view());
  });

  it('keeps the add even when the remover itself set the book during the partition', () => {
    // The case where a plain Y.Map loses the add about half the time (decided by clientIDs).
    for (const [clientA, clientB] of [
      [1, 2],
      [2, 1],
    ] as const) {
      const a = replica('a', clientA);
      const b = replica('b', clientB);
      a.setQuantity('book-1', 1);
      antiEntropy(a, b);
      b.setQuantity('book-1', 3);
      b.remove('book-1');
      a.setQuantity('book-1', 2);
      antiEntropy(a, b);
      expect(a.view()).toEqual([{ bookId: 'book-1', quantity: 2 }]);
      expect(b.view()).toEqual(a.view());
    }
  });

  it('keeps a repeated set of the same quantity against a concurrent remove', () => {
    const a = replica('a', 1);
    const b = replica('b', 2);
    a.setQuantity('book-1', 2);
    antiEntropy(a, b);
    a.setQuantity('book-1', 2);
    b.remove('book-1');
    antiEntropy(a, b);
    expect(a.view()).toEqual([{ bookId: 'book-1', quantity: 2 }]);
  });

  it('shows the max of concurrent quantity sets, and a later set collapses them', () => {
    const a = replica('a', 1);
    const b = replica('b', 2);
    a.setQuantity('book-1', 4);
    antiEntropy(a, b);
    a.setQuantity('book-1', 1);
    b.setQuantity('book-1', 3);
    antiEntropy(a, b);
    expect(a.view()).toEqual([{ bookId: 'book-1', quantity: 3 }]);
    a.setQuantity('book-1', 2);
    antiEntropy(a, b);
    expect(b.view()).toEqual([{ bookId: 'book-1', quantity: 2 }]);
  });

  it('rejects ids containing the slot separator and quantities below 1', () => {
    const a = replica('a', 1);
    expect(() => a.setQuantity('bad\u0000id', 1)).toThrow(RangeError);
    expect(() => a.setQuantity('book-1', 0)).toThrow(RangeError);
    expect(() => a.setQuantity('book-1', 1.5)).toThrow(RangeError);
    expect(() => new CartReplica({ writerId: '' })).toThrow(RangeError);
  });

  it('publishes its own edits to onUpdate, not the updates it applies from peers', () => {
    const a = replica('a', 1);
    const b = replica('b', 2);
    const published: Uint8Array[] = [];
    const stop = b.onUpdate((update) => published.push(update));
    a.setQuantity('book-1', 1);
    b.applyUpdate(a.encodeUpdateSince());
    expect(published).toHaveLength(0);
    b.remove('book-1');
    expect(published).toHaveLength(1);
    stop();
    b.setQuantity('book-2', 1);
    expect(published).toHaveLength(1);
  });
});

describe('CartReplica: delivery order and duplicates do not matter', () => {
  it('gives the same view when updates arrive twice or reversed', () => {
    const a = replica('a', 1);
    const b = replica('b', 2);
    const log: Uint8Array[] = [];
    a.onUpdate((update) => {
      log.push(update);
      b.applyUpdate(update);
    });
    b.onUpdate((update) => {
      log.push(update);
      a.applyUpdate(update);
    });
    a.setQuantity('book-1', 1);
    a.setQuantity('book-2', 2);
    b.setQuantity('book-1', 5);
    b.remove('book-2');
    a.setQuantity('book-3', 1);
    a.remove('book-1');
    expect(log).toHaveLength(6);

    const inOrder = replica('in-order', 3);
    for (const update of log) inOrder.applyUpdate(update);
    const reversedTwice = replica('reversed', 4);
    for (const update of [...log].reverse()) reversedTwice.applyUpdate(update);
    for (const update of [...log].reverse()) reversedTwice.applyUpdate(update);

    expect(inOrder.view()).toEqual([{ bookId: 'book-3', quantity: 1 }]);
    expect(reversedTwice.view()).toEqual(inOrder.view());
    expect(a.view()).toEqual(inOrder.view());
    expect(b.view()).toEqual(inOrder.view());
  });

  it('converges for any order with duplicates (property)', () => {
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        writer: fc.integer({ min: 0, max: 1 }),
        book: fc.integer({ min: 0, max: 3 }),
        quantity: fc.integer({ min: 1, max: 5 }),
      }),
      fc.record({
        kind: fc.constant('remove' as const),
        writer: fc.integer({ min: 0, max: 1 }),
        book: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({ kind: fc.constant('sync' as const) }),
    );
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        (operations, deliveryKeys) => {
          const writers = [replica('a', 1), replica('b', 2)] as const;
          const log: Uint8Array[] = [];
          for (const writer of writers) writer.onUpdate((update) => log.push(update));
          for (const op of operations) {
            if (op.kind === 'sync') antiEntropy(writers[0], writers[1]);
            else if (op.kind === 'set') writers[op.writer].setQuantity(`book-${op.book}`, op.quantity);
            else writers[op.writer].remove(`book-${op.book}`);
          }
          antiEntropy(writers[0], writers[1]);
          // Shuffle the log by random keys and deliver some updates twice.
          const deliveries = log.map((update, index) => ({ update, key: deliveryKeys[index] ?? index }));
          for (const [index, key] of deliveryKeys.entries()) {
            const duplicate = log[key % Math.max(log.length, 1)];
            if (duplicate !== undefined) deliveries.push({ update: duplicate, key: index * 7 });
          }
          deliveries.sort((x, y) => x.key - y.key);
          const shuffled = replica('shuffled', 3);
          for (const { update } of deliveries) shuffled.applyUpdate(update);
          expect(shuffled.view()).toEqual(writers[0].view());
          expect(writers[1].view()).toEqual(writers[0].view());
        },
      ),
      { numRuns: 200, seed: 20261126 },
    );
  });
});

/**
 * The oracle: a state-based OR-set written independently of Yjs. Each set adds a uniquely tagged
 * entry and tombstones the entries of that book it has observed; a remove tombstones the observed ones.
 * The view shows, per book, the max quantity of its live entries (the rule the cart chose).
 */
class OracleReplica {
  readonly entries = new Map<string, { book: string; quantity: number }>();
  readonly tombstones = new Set<string>();
  private counter = 0;

  set(writer: string, book: string, quantity: number): OracleOp {
    const removed = this.observedTags(book);
    const tag = `${writer}#${this.counter++}`;
    const op: OracleOp = { removed, added: { tag, book, quantity } };
    this.apply(op);
    return op;
  }

  remove(book: string): OracleOp {
    const op: OracleOp = { removed: this.observedTags(book) };
    this.apply(op);
    return op;
  }

  apply(op: OracleOp): void {
    for (const tag of op.removed) this.tombstones.add(tag);
    if (op.added) this.entries.set(op.added.tag, op.added);
  }

  merge(other: OracleReplica): void {
    for (const [tag, entry] of other.entries) this.entries.set(tag, entry);
    for (const tag of other.tombstones) this.tombstones.add(tag);
  }

  view(): CartLine[] {
    const quantities = new Map<string, number>();
    for (const [tag, { book, quantity }] of this.entries) {
      if (!this.tombstones.has(tag)) quantities.set(book, Math.max(quantities.get(book) ?? 0, quantity));
    }
    return [...quantities]
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([bookId, quantity]) => ({ bookId, quantity }));
  }

  private observedTags(book: string): string[] {
    return [...this.entries]
      .filter(([tag, entry]) => entry.book === book && !this.tombstones.has(tag))
      .map(([tag]) => tag);
  }
}

interface OracleOp {
  readonly removed: readonly string[];
  readonly added?: { readonly tag: string; readonly book: string; readonly quantity: number };
}

interface Message {
  readonly updates: readonly Uint8Array[];
  readonly op: OracleOp;
}

type Command =
  | { readonly kind: 'set'; readonly node: number; readonly book: number; readonly quantity: number }
  | { readonly kind: 'remove'; readonly node: number; readonly book: number }
  | { readonly kind: 'deliver'; readonly from: number; readonly to: number; readonly twice: boolean }
  | { readonly kind: 'partition'; readonly groups: readonly number[] }
  | { readonly kind: 'restart'; readonly node: number };

const NODES = 3;

/**
 * Three nodes, each with a cart replica and an oracle replica, over links that deliver in order (a
 * queue per link, redelivering sometimes) and drop what is queued when a partition cuts them; a link
 * that comes back runs anti-entropy, as a rejoining node would.
 */
class Cluster {
  readonly carts: CartReplica[] = [];
  readonly oracles: OracleReplica[] = [];
  private readonly incarnations: number[] = [];
  private readonly queues: Message[][][];
  private groups: number[] = Array.from({ length: NODES }, () => 0);
  private captured: Uint8Array[] = [];

  constructor() {
    for (let node = 0; node < NODES; node += 1) {
      this.incarnations.push(0);
      this.carts.push(this.newCart(node));
      this.oracles.push(new OracleReplica());
    }
    this.queues = Array.from({ length: NODES }, () => Array.from({ length: NODES }, () => []));
  }

  run(command: Command): void {
    switch (command.kind) {
      case 'set': {
        const op = this.oracles[command.node]?.set(
          this.writerOf(command.node),
          `book-${command.book}`,
          command.quantity,
        );
        this.cart(command.node).setQuantity(`book-${command.book}`, command.quantity);
        if (op) this.send(command.node, op);
        return;
      }
      case 'remove': {
        const op = this.oracles[command.node]?.remove(`book-${command.book}`);
        this.cart(command.node).remove(`book-${command.book}`);
        if (op) this.send(command.node, op);
        return;
      }
      case 'deliver': {
        if (command.from === command.to || !this.connected(command.from, command.to)) return;
        const queue = this.queue(command.from, command.to);
        const message = queue[0];
        if (message === undefined) return;
        const deliveries = command.twice ? 2 : 1;
        for (let delivery = 0; delivery < deliveries; delivery += 1) {
          for (const update of message.updates) this.cart(command.to).applyUpdate(update);
          this.oracles[command.to]?.apply(message.op);
        }
        queue.shift();
        return;
      }
      case 'partition':
        this.regroup([...command.groups]);
        return;
      case 'restart': {
        // A new incarnation: loads the encoded cart, gets a new writer id and clientID.
        const state = this.cart(command.node).encodeUpdateSince();
        this.cart(command.node).destroy();
        this.incarnations[command.node] = (this.incarnations[command.node] ?? 0) + 1;
        const cart = this.newCart(command.node);
        cart.applyUpdate(state);
        this.carts[command.node] = cart;
        return;
      }
    }
  }

  /** Heals every link, delivers what is queued, and runs anti-entropy between every pair. */
  healFully(): void {
    this.regroup(Array.from({ length: NODES }, () => 0));
    for (let from = 0; from < NODES; from += 1) {
      for (let to = 0; to < NODES; to += 1) {
        while (this.queue(from, to).length > 0) this.run({ kind: 'deliver', from, to, twice: false });
      }
    }
    for (let round = 0; round < 2; round += 1) {
      for (let x = 0; x < NODES; x += 1) for (let y = x + 1; y < NODES; y += 1) this.sync(x, y);
    }
  }

  private regroup(groups: number[]): void {
    for (let x = 0; x < NODES; x += 1) {
      for (let y = x + 1; y < NODES; y += 1) {
        const wasConnected = this.connected(x, y);
        const willConnect = groups[x] === groups[y];
        if (wasConnected && !willConnect) {
          this.queue(x, y).length = 0;
          this.queue(y, x).length = 0;
        }
        if (!wasConnected && willConnect) this.sync(x, y);
      }
    }
    this.groups = groups;
  }

  private sync(x: number, y: number): void {
    antiEntropy(this.cart(x), this.cart(y));
    const [oracleX, oracleY] = [this.oracles[x], this.oracles[y]];
    if (oracleX && oracleY) {
      oracleX.merge(oracleY);
      oracleY.merge(oracleX);
    }
  }

  private send(from: number, op: OracleOp): void {
    const updates = this.captured;
    this.captured = [];
    for (let to = 0; to < NODES; to += 1) {
      if (to !== from && this.connected(from, to)) this.queue(from, to).push({ updates, op });
    }
  }

  private newCart(node: number): CartReplica {
    const incarnation = this.incarnations[node] ?? 0;
    const cart = new CartReplica({
      writerId: this.writerOf(node),
      clientId: 1 + node * 1000 + incarnation,
    });
    cart.onUpdate((update) => this.captured.push(update));
    return cart;
  }

  private writerOf(node: number): string {
    return `node-${node}:${this.incarnations[node] ?? 0}`;
  }

  private connected(x: number, y: number): boolean {
    return this.groups[x] === this.groups[y];
  }

  private cart(node: number): CartReplica {
    const cart = this.carts[node];
    if (cart === undefined) throw new Error(`no node ${node}`);
    return cart;
  }

  private queue(from: number, to: number): Message[] {
    const queue = this.queues[from]?.[to];
    if (queue === undefined) throw new Error(`no link ${from}->${to}`);
    return queue;
  }
}

const node = fc.integer({ min: 0, max: NODES - 1 });
const book = fc.integer({ min: 0, max: 3 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      node,
      book,
      quantity: fc.integer({ min: 1, max: 5 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), node, book }) },
  {
    weight: 4,
    arbitrary: fc
      .record({ from: node, offset: fc.integer({ min: 1, max: NODES - 1 }), twice: fc.boolean() })
      .map(({ from, offset, twice }) => ({
        kind: 'deliver' as const,
        from,
        to: (from + offset) % NODES,
        twice,
      })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('partition' as const),
      groups: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: NODES, maxLength: NODES }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), node }) },
);

describe('CartReplica against an add-wins oracle', () => {
  it('matches the OR-set oracle on 3 replicas under random partitions, heals and restarts', () => {
    let trials = 0;
    let commandsRun = 0;
    let nonEmptyCarts = 0;
    fc.assert(
      fc.property(fc.array(command, { minLength: 10, maxLength: 60, size: 'max' }), (commands) => {
        trials += 1;
        commandsRun += commands.length;
        const cluster = new Cluster();
        for (const next of commands) cluster.run(next);
        cluster.healFully();
        const expected = cluster.oracles[0]?.view();
        for (const oracle of cluster.oracles) expect(oracle.view()).toEqual(expected);
        for (const cart of cluster.carts) expect(cart.view()).toEqual(expected);
        if ((expected ?? []).length > 0) nonEmptyCarts += 1;
      }),
      { numRuns: 400, seed: 4242 },
    );
    process.stdout.write(
      `${JSON.stringify({ test: 'add-wins cart vs OR-set oracle', replicas: NODES, trials, commandsRun, nonEmptyCarts, mismatches: 0 })}\n`,
    );
    expect(trials).toBe(400);
    // A run where every cart ends empty would not test much.
    expect(nonEmptyCarts).toBeGreaterThan(trials / 4);
  });
});

describe('CartReplica anti-entropy', () => {
  it('carries a remove even though it leaves the state vector unchanged', () => {
    const a = replica('a', 1);
    const b = replica('b', 2);
    a.setQuantity('book-1', 1);
    a.setQuantity('book-2', 1);
    antiEntropy(a, b);
    // Partition: the only change is a remove on b.
    b.remove('book-1');
    expect(b.encodeStateVector()).toEqual(a.encodeStateVector());
    antiEntropy(a, b);
    expect(a.view()).toEqual([{ bookId: 'book-2', quantity: 1 }]);
    expect(b.view()).toEqual(a.view());
  });

  it('heals 1000 carts edited on both sides of a partition (figures printed)', () => {
    const carts = 1000;
    const pairs = Array.from({ length: carts }, (_, cart) => {
      const a = replica(`a`, 2 * cart + 1);
      const b = replica(`b`, 2 * cart + 2);
      for (let bookNumber = 0; bookNumber < 3; bookNumber += 1) a.setQuantity(`book-${bookNumber}`, 1);
      antiEntropy(a, b);
      return [a, b] as const;
    });
    // Partition: 5 edits per cart on each side, including removes of what the other side may re-set.
    for (const [a, b] of pairs) {
      a.setQuantity('book-0', 2);
      a.remove('book-1');
      a.setQuantity('book-3', 1);
      a.setQuantity('book-4', 3);
      a.setQuantity('book-1', 4);
      b.remove('book-0');
      b.setQuantity('book-1', 2);
      b.setQuantity('book-2', 5);
      b.remove('book-2');
      b.setQuantity('book-5', 1);
    }
    const started = performance.now();
    let bytes = 0;
    for (const [a, b] of pairs) bytes += antiEntropy(a, b);
    const healMs = Math.round(performance.now() - started);
    process.stdout.write(
      `${JSON.stringify({ test: 'anti-entropy heal, one Y.Doc per cart', carts, editsPerSide: 5, bytesOnWire: bytes, healMs })}\n`,
    );
    const expected = [
      { bookId: 'book-0', quantity: 2 },
      { bookId: 'book-1', quantity: 4 },
      { bookId: 'book-3', quantity: 1 },
      { bookId: 'book-4', quantity: 3 },
      { bookId: 'book-5', quantity: 1 },
    ];
    for (const [a, b] of pairs) {
      expect(a.view()).toEqual(expected);
      expect(b.view()).toEqual(expected);
    }
  });
});
