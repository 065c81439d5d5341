// Calls can reach a node between the moment its handlers consume and the moment it has joined its ring (a
// few milliseconds, longer when Redis is slow): they wait for the ring rather than fail.

/** Resolves once the node's first ring is adopted; `arrived()` marks it. */
export class FirstRing {
  private markArrived: () => void = () => undefined;
  private readonly arrival = new Promise<void>((resolve) => {
    this.markArrived = resolve;
  });

  /** Marks the first ring as adopted (later calls change nothing). */
  arrived(): void {
    this.markArrived();
  }

  /** True when the ring arrived within `waitMs`. */
  async within(waitMs: number): Promise<boolean> {
    return settlesWithin(this.arrival, waitMs);
  }
}

/** True when `promise` settles within `waitMs` (whether it resolves or rejects), false otherwise. */
export async function settlesWithin(promise: Promise<unknown>, waitMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), waitMs);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
