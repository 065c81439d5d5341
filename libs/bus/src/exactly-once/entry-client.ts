// The client one handler gets in a claimed batch: it takes the entry's savepoint only when the handler first
// queries, so an entry whose handler writes nothing costs no round trip at all.
import type { PoolClient } from 'pg';

/**
 * Wraps the batch's session for one entry. pg sends a session's queries one at a time in the order they were
 * issued, so queueing SAVEPOINT just before the handler's first query puts it in front of that query without
 * waiting for it. After {@link close} queries pass straight through, as they did when handlers got the session
 * itself (code that wraps `db.query` then also sees the inbox's own statements, e.g. COMMIT).
 */
export class EntryClient {
  readonly client: PoolClient;
  #savepoint: Promise<void> | undefined;
  #savepointError: Error | undefined;
  #open = true;
  #inFlight = 0;
  #settledWaiters: (() => void)[] = [];
  /** A Submittable (cursor, stream) was used: its end cannot be observed, so settling asks the server. */
  #opaque = false;
  #lastError: unknown;

  /** The session's query method as it was when the entry began; a handler may replace `db.query` itself. */
  readonly #run: (...args: unknown[]) => unknown;

  constructor(
    private readonly target: PoolClient,
    private readonly savepointSql: string,
  ) {
    this.#run = (target.query as (...args: unknown[]) => unknown).bind(target);
    const query = (...args: unknown[]): unknown => this.#query(args);
    this.client = new Proxy(target, {
      get(base, property) {
        if (property === 'query') return query;
        const value: unknown = Reflect.get(base, property, base);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(base) : value;
      },
    });
  }

  /** Whether the handler issued any query, and so the entry has a savepoint to roll back to. */
  get queried(): boolean {
    return this.#savepoint !== undefined;
  }

  /** The last error a query of this entry failed with (the cause when the handler swallowed it). */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Ends the entry: later queries are not part of it (no savepoint, not awaited by {@link settle}). */
  close(): void {
    this.#open = false;
  }

  /**
   * Waits until every query the handler issued has finished, then tells whether the transaction is still usable
   * for the next entry: `aborted` when one of them failed and the handler went on without rolling back.
   * Rejects when the savepoint itself could not be taken (the session is unusable).
   */
  async settle(): Promise<{ aborted: boolean }> {
    if (this.#savepoint === undefined) return { aborted: false };
    await this.#savepoint;
    if (this.#savepointError !== undefined) {
      throw this.#savepointError instanceof Error
        ? this.#savepointError
        : new Error(String(this.#savepointError));
    }
    if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#settledWaiters.push(resolve));
    // pg reports a failed query before the server's ReadyForQuery says whether the transaction is aborted, and
    // the end of a Submittable cannot be observed: then a probe queued behind them tells (a round trip only on
    // these paths). It fails exactly when the transaction is aborted.
    if (this.#opaque || this.#lastError !== undefined) {
      try {
        await this.target.query('SELECT 1');
      } catch (error) {
        this.#lastError ??= error;
        return { aborted: true };
      }
    }
    return { aborted: this.target.getTransactionStatus() === 'E' };
  }

  #query(args: unknown[]): unknown {
    if (!this.#open) return this.#run(...args);
    this.#savepoint ??= (this.#run(this.savepointSql) as Promise<unknown>).then(
      () => undefined,
      (error: unknown) => {
        this.#savepointError =
          error instanceof Error ? error : new Error('inbox: the entry savepoint could not be taken');
      },
    );
    const [config] = args;
    const last = args[args.length - 1];
    const run = this.#run;
    if (typeof config === 'object' && config !== null && 'submit' in config) {
      this.#opaque = true;
      return run(...args);
    }
    this.#inFlight += 1;
    if (typeof last === 'function') {
      const callback = last as (error: unknown, ...rest: unknown[]) => void;
      return run(...args.slice(0, -1), (error: unknown, ...rest: unknown[]) => {
        this.#finished(error);
        callback(error, ...rest);
      });
    }
    const result = run(...args) as Promise<unknown>;
    result.then(
      () => this.#finished(undefined),
      (error: unknown) => this.#finished(error),
    );
    return result;
  }

  #finished(error: unknown): void {
    if (error !== undefined && error !== null) this.#lastError = error;
    this.#inFlight -= 1;
    if (this.#inFlight > 0) return;
    const waiters = this.#settledWaiters;
    this.#settledWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
