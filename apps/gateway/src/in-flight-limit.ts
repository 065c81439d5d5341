/**
 * Back pressure at the edge: at most `max` requests are served at once; one more is refused at once (503 with
 * Retry-After) rather than queued, so a gateway under overload answers quickly instead of timing out
 * everyone. Hand-written because it is a counter: a limiter library (p-limit) would queue, which is exactly
 * what the gateway must not do.
 */
export class InFlightLimit {
  private inFlight = 0;

  constructor(readonly max: number) {}

  /** Requests being served now. */
  get current(): number {
    return this.inFlight;
  }

  /**
   * Takes a slot: returns its release function (safe to call more than once), or `undefined` when all slots
   * are taken.
   */
  tryAcquire(): (() => void) | undefined {
    if (this.inFlight >= this.max) return undefined;
    this.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
    };
  }
}
