// Idempotency keys as payment APIs implement them: the first request with a key claims it, and every later
// request with that key either replays the stored answer, is refused while the first is still running, or is
// refused for good when its parameters differ (IETF draft "The Idempotency-Key HTTP Header Field": 409 and 422).
// Kept in memory: the simulator's state lives as long as its process.

/** What {@link IdempotencyStore.claim} found for a key. */
export type IdempotencyClaim<R> =
  /** The key was new: the caller runs the request and must then `complete` or `release` the key. */
  | { readonly kind: 'claimed' }
  /** A request with the same key and parameters has finished: answer with its stored response. */
  | { readonly kind: 'replay'; readonly response: R }
  /** A request with the same key and parameters is still running. */
  | { readonly kind: 'in-flight' }
  /** The key was first used with other parameters. */
  | { readonly kind: 'mismatch' };

type Entry<R> =
  | { readonly state: 'in-flight'; readonly fingerprint: string }
  | { readonly state: 'completed'; readonly fingerprint: string; readonly response: R };

/**
 * In-memory idempotency keys with the response stored for each finished request. Claims are synchronous,
 * so two requests arriving together can never both claim a key.
 */
export class IdempotencyStore<R> {
  readonly #entries = new Map<string, Entry<R>>();

  /**
   * Claims `key` for a request whose parameters hash to `fingerprint`, or reports why it cannot. A
   * different fingerprint is a `mismatch` whether the first request has finished or not: retrying
   * would never help.
   */
  claim(key: string, fingerprint: string): IdempotencyClaim<R> {
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.#entries.set(key, { state: 'in-flight', fingerprint });
      return { kind: 'claimed' };
    }
    if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (entry.state === 'in-flight') return { kind: 'in-flight' };
    return { kind: 'replay', response: entry.response };
  }

  /** Stores the response of the request that claimed `key`; later claims with the same parameters replay it. */
  complete(key: string, response: R): void {
    const entry = this.#entries.get(key);
    // Cleared while the request ran (a test reset the ledger): the key stays forgotten with its charge.
    if (entry === undefined) return;
    this.#entries.set(key, { state: 'completed', fingerprint: entry.fingerprint, response });
  }

  /**
   * Forgets a claimed key whose request failed before it took effect, so a retry with the same key runs
   * afresh (a real provider stores no result for a request that never executed). A completed key is kept.
   */
  release(key: string): void {
    if (this.#entries.get(key)?.state === 'in-flight') this.#entries.delete(key);
  }

  /** Forgets every key. */
  clear(): void {
    this.#entries.clear();
  }

  /** Number of keys held, in flight or completed. */
  get size(): number {
    return this.#entries.size;
  }
}
