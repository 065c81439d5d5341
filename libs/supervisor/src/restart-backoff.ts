import type { IBackoff } from 'cockatiel';
import { ExponentialBackoff, noJitterGenerator } from 'cockatiel';

/** Bounds of the delay before a crashed child is started again. */
export interface RestartBackoffOptions {
  /** The delay before the first restart. */
  readonly initialDelayMs: number;
  /** The delay stops doubling here. */
  readonly maxDelayMs: number;
}

/**
 * The delays between successive restarts of one child: initial, doubling, capped. Cockatiel is the one the
 * bus already uses for its retry schedule, so both read the same way. No jitter, on purpose: a local
 * cluster has a handful of nodes, so there is no herd to spread, and fixed delays keep the logs and the
 * restart intensity predictable.
 */
export class RestartBackoff {
  private readonly factory: ExponentialBackoff<number>;
  private current: IBackoff<unknown> | undefined;

  constructor(options: RestartBackoffOptions) {
    this.factory = new ExponentialBackoff({
      generator: noJitterGenerator,
      initialDelay: options.initialDelayMs,
      maxDelay: options.maxDelayMs,
    });
  }

  /** The delay before the next restart; each call doubles it, up to the maximum. */
  next(): number {
    this.current = this.current ? this.current.next(undefined) : this.factory.next();
    return this.current.duration;
  }

  /** Starts again from the initial delay (the child ran long enough to count as healthy). */
  reset(): void {
    this.current = undefined;
  }
}
