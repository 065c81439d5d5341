import { setTimeout as sleep } from 'node:timers/promises';

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  /** Pause between probes; 100 ms when omitted. */
  readonly intervalMs?: number;
  /** What is awaited, in words; it names the condition in the timeout error. */
  readonly description: string;
}

const NOT_YET = Symbol('not yet');

function describe(value: unknown): string {
  if (value instanceof Error) return `error: ${value.message}`;
  try {
    return `value: ${JSON.stringify(value) ?? String(value)}`;
  } catch {
    return `value: ${String(value)}`;
  }
}

/**
 * Polls `probe` until it returns something other than `undefined` or `false`, and resolves with that.
 * A probe that throws counts as "not yet". Each probe is bounded by the remaining time, so a hanging
 * probe cannot outlive the deadline. At the deadline it rejects with an Error that names
 * `description` and the last value or error seen.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions,
): Promise<T> {
  const { timeoutMs, intervalMs = 100, description } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown = undefined;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const remaining = deadline - Date.now();
    const controller = new AbortController();
    try {
      const outcome = await Promise.race([
        Promise.resolve().then(probe),
        sleep(Math.max(remaining, 0), NOT_YET, { signal: controller.signal }),
      ]);
      if (outcome === NOT_YET) {
        last = new Error('probe did not settle before the deadline');
      } else if (outcome !== undefined && outcome !== false) {
        return outcome;
      } else {
        last = outcome;
      }
    } catch (error) {
      last = error;
    } finally {
      controller.abort();
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new Error(
        `Timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${description}; last ${describe(last)}`,
        { cause: last instanceof Error ? last : undefined },
      );
    }
    await sleep(Math.min(intervalMs, left));
  }
}
