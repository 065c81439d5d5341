/**
 * A keyed dataset of a logic node, independent of where its values live. Redis implements it until the
 * consistent-hash ring lands; the ring's sharing strategies (share-nothing in memory, share-something with
 * replicas, share-everything with a CRDT) implement the same interface, so the nodes' code does not change.
 */

/**
 * What an update does with the value it read: the new value to store, or `undefined` to delete the key
 * (or leave it absent).
 */
export type UpdateFunction<Value, Next extends Value | undefined = Value | undefined> = (
  current: Value | undefined,
) => Next;

/**
 * One dataset (e.g. `sessions`, `carts`): values of one type by string key.
 * Every operation is atomic per key; nothing is atomic across keys or datasets.
 */
export interface Dataset<Value> {
  /** The dataset's name, unique within a node family (`sessions`). */
  readonly name: string;

  /** The value under `key`, or `undefined` when there is none (never set, deleted or expired). */
  get(key: string): Promise<Value | undefined>;

  /** Stores `value` under `key`, replacing what was there (and restarting the dataset's time to live). */
  set(key: string, value: Value): Promise<void>;

  /**
   * Reads the value under `key`, applies `fn` and stores its result, atomically: no other write to the key
   * lands between the read and the write. Resolves with what was stored (`undefined` when `fn` deleted it).
   * `fn` must be a pure function of its argument: an implementation may call it more than once when another
   * writer got in first, and only the last call's result is stored.
   */
  update<Next extends Value | undefined>(key: string, fn: UpdateFunction<Value, Next>): Promise<Next>;

  /** Removes `key`; removing a key that is not there is not an error. */
  delete(key: string): Promise<void>;
}
