// An add-wins shopping cart on Yjs for the "share-everything" sharing strategy: every node holds every
// cart, accepts writes on both sides of a partition, and merges when the partition heals.
import * as Y from 'yjs';

/** Separates the book id from the writer id in a slot key; neither id may contain it. */
const SLOT_SEPARATOR = '\u0000';
/** The one root-level map of a cart's doc (root-level, so it can never be created twice concurrently). */
const SLOTS_MAP = 'slots';

/** One line of a cart as the shopper sees it. */
export interface CartLine {
  readonly bookId: string;
  readonly quantity: number;
}

/** How a cart replica is created. */
export interface CartReplicaOptions {
  /**
   * Names this live replica incarnation, e.g. `${nodeId}:${bootId}`. Must be unique among every replica
   * that has ever written the cart and must change when a node restarts: two incarnations sharing a
   * writer id would write the same slot, and a plain Yjs map key is not add-wins.
   */
  readonly writerId: string;
  /**
   * The Y.Doc clientID. Leave it out in production (Yjs draws a random one; no two live docs may share
   * it); set it in tests so runs are reproducible.
   */
  readonly clientId?: number;
  /**
   * The doc to keep the cart in (default a new one). A dataset that keeps more than the cart in a doc (its
   * expiry, say) passes its own; the cart then uses only its one root-level map.
   */
  readonly doc?: Y.Doc;
}

/** Receives an encoded Yjs update made by this replica, to publish to the other replicas. */
export type CartUpdateListener = (update: Uint8Array) => void;

/** Marks transactions that apply a peer's update, so they are not published again as local edits. */
const REMOTE_ORIGIN = Symbol('cart-crdt.remote');

function assertId(kind: string, id: string): void {
  if (id.length === 0 || id.includes(SLOT_SEPARATOR)) {
    throw new RangeError(`${kind} must be non-empty and must not contain U+0000: ${JSON.stringify(id)}`);
  }
}

/**
 * One replica of one cart: an add-wins map from book id to quantity built on a single Y.Doc.
 *
 * Layout: one Y.Doc per cart (not per ring partition), holding one flat root-level Y.Map whose keys are
 * `${bookId}\u0000${writerId}` ("slots"). Each replica writes only its own slot, so no two replicas
 * ever write the same map key, and that is what makes the map add-wins (a plain Y.Map lets a remove
 * beat a concurrent add, decided by random clientIDs). One doc per cart rather than per partition
 * because the cart is the unit the node loads, keeps cold (encoded) and drops after checkout, its
 * tombstones stay with it, and a partition handover moves encoded carts one by one; the price is
 * about twice the heal time of per-partition docs (measured ~120 ms against ~60 ms for 1000 carts).
 *
 * Semantics (an OR-set in the sense of Shapiro et al., as in the Dynamo shopping cart):
 * - `setQuantity` deletes the other slots of that book this replica has observed and writes its own;
 *   `remove` deletes every slot of that book it has observed. A delete only touches slots it saw, so
 *   a concurrent add elsewhere survives: add wins.
 * - Merge rule for concurrent quantity sets: the view shows the MAX of the surviving slots. Quantities
 *   are absolute ("set to 3"), not increments, so a sum would turn two concurrent "set to 2" into 4. The
 *   cost: a concurrent decrease loses to a concurrent higher set (A sets 1 while B sets 3 → 3). The
 *   shopper sees the line and can correct it; the next set on any replica collapses the slots to one.
 *
 * `applyUpdate` is idempotent and commutative (Yjs buffers updates whose predecessors have not arrived),
 * so at-least-once, unordered delivery of replication messages is enough.
 */
export class CartReplica {
  /** This incarnation's writer id (see {@link CartReplicaOptions.writerId}). */
  readonly writerId: string;
  private readonly doc: Y.Doc;
  private readonly slots: Y.Map<number>;

  constructor(options: CartReplicaOptions) {
    assertId('writerId', options.writerId);
    this.writerId = options.writerId;
    this.doc = options.doc ?? new Y.Doc();
    if (options.clientId !== undefined) this.doc.clientID = options.clientId;
    this.slots = this.doc.getMap<number>(SLOTS_MAP);
  }

  /**
   * Sets the quantity of a book (a positive safe integer; the cart contract bounds it further). Deletes
   * every other slot of the book this replica has observed and writes its own, in one transaction, so
   * one update is published.
   */
  setQuantity(bookId: string, quantity: number): void {
    assertId('bookId', bookId);
    if (!Number.isSafeInteger(quantity) || quantity < 1) {
      throw new RangeError(`quantity must be a positive integer, got ${quantity}`);
    }
    const ownKey = `${bookId}${SLOT_SEPARATOR}${this.writerId}`;
    this.doc.transact(() => {
      for (const key of this.slotKeysOf(bookId)) {
        if (key !== ownKey) this.slots.delete(key);
      }
      // Written even when unchanged: a repeated set is a fresh add that must beat a concurrent remove.
      this.slots.set(ownKey, quantity);
    });
  }

  /** Removes a book: deletes every slot of it this replica has observed (a concurrent add survives). */
  remove(bookId: string): void {
    assertId('bookId', bookId);
    this.doc.transact(() => {
      for (const key of this.slotKeysOf(bookId)) this.slots.delete(key);
    });
  }

  /** The cart as the shopper sees it, sorted by book id: per book, the max quantity of its slots. */
  view(): CartLine[] {
    const quantities = new Map<string, number>();
    for (const [key, quantity] of this.slots.entries()) {
      const bookId = key.slice(0, key.indexOf(SLOT_SEPARATOR));
      quantities.set(bookId, Math.max(quantities.get(bookId) ?? 0, quantity));
    }
    return [...quantities]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([bookId, quantity]) => ({ bookId, quantity }));
  }

  /** This replica's Yjs state vector, to send to a peer during anti-entropy. */
  encodeStateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc);
  }

  /**
   * Everything this replica holds that a peer with the given state vector lacks, always with the full
   * delete set; without a state vector, the whole cart (to keep it encoded while cold, or to seed a
   * new replica). Send it even when the state vectors are equal: a remove does not change the state
   * vector, so only the delete set carries it.
   */
  encodeUpdateSince(stateVector?: Uint8Array): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc, stateVector);
  }

  /** Applies a peer's update or diff. Idempotent and commutative; not published to `onUpdate` listeners. */
  applyUpdate(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, REMOTE_ORIGIN);
  }

  /**
   * Calls the listener with each update made by this replica's own edits (not with updates it applied
   * from peers: every replica publishes its own edits, and anti-entropy fills in what a replica
   * missed). Returns a function that removes the listener.
   */
  onUpdate(listener: CartUpdateListener): () => void {
    const handler = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
      if (transaction.local && origin !== REMOTE_ORIGIN) listener(update);
    };
    this.doc.on('update', handler);
    return () => this.doc.off('update', handler);
  }

  /** Releases the doc; the replica must not be used afterwards. */
  destroy(): void {
    this.doc.destroy();
  }

  private slotKeysOf(bookId: string): string[] {
    const prefix = `${bookId}${SLOT_SEPARATOR}`;
    return [...this.slots.keys()].filter((key) => key.startsWith(prefix));
  }
}
