/**
 * Holds back provider requests after the provider asked us to wait (429 with Retry-After). One gate per
 * provider client, shared by every charge the node makes: the provider's limit is on all our requests, so one
 * refusal is a hint for all of them, and honouring it keeps us from being refused again right away. Written
 * by hand because it is a timestamp: none of cockatiel's policies waits on a hint the server gave.
 */
export class RetryAfterGate {
  #openAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Keeps the gate closed for `ms` from now; a later reopening time already set is kept. */
  closeFor(ms: number): void {
    this.#openAt = Math.max(this.#openAt, this.now() + ms);
  }

  /** Milliseconds until the gate opens; 0 when it is open. */
  remainingMs(): number {
    return Math.max(0, this.#openAt - this.now());
  }
}
