// Load regulation for the charge API: a fixed number of requests are served at once and the rest are
// refused at the door with 429, the way payment APIs shed load, rather than queued. A counter is all this
// takes; p-limit and friends queue work instead of refusing it.

/** Counts requests in flight and refuses new ones beyond a limit. */
export class ConcurrencyLimit {
  #inFlight = 0;
  #peak = 0;
  #rejected = 0;

  /** @param limit The most requests admitted at once; a positive integer. */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  /** Admits one request and returns true, or counts a rejection and returns false when `limit` are in flight. */
  tryAcquire(): boolean {
    if (this.#inFlight >= this.limit) {
      this.#rejected += 1;
      return false;
    }
    this.#inFlight += 1;
    this.#peak = Math.max(this.#peak, this.#inFlight);
    return true;
  }

  /** Lets one admitted request go; call exactly once per successful `tryAcquire`. */
  release(): void {
    if (this.#inFlight === 0) throw new Error('release() without a matching tryAcquire()');
    this.#inFlight -= 1;
  }

  /** Requests admitted and not yet released. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The most requests ever in flight at once. */
  get peak(): number {
    return this.#peak;
  }

  /** Requests refused so far. */
  get rejected(): number {
    return this.#rejected;
  }
}
