import type { Charge } from './schemas';

/**
 * Every charge the simulator has made, in the order made. In memory only: the simulator stands in for
 * the provider's books, which outlive no restart here.
 */
export class ChargeLedger {
  readonly #charges = new Map<string, Charge>();

  /** Records a new charge; an id already recorded is a bug and throws. */
  record(charge: Charge): void {
    if (this.#charges.has(charge.id)) throw new Error(`Charge ${charge.id} is already recorded`);
    this.#charges.set(charge.id, charge);
  }

  /** The charge with `id`, or `undefined`. */
  get(id: string): Charge | undefined {
    return this.#charges.get(id);
  }

  /** Every charge, oldest first. */
  list(): Charge[] {
    return [...this.#charges.values()];
  }

  /** Forgets every charge. */
  clear(): void {
    this.#charges.clear();
  }

  /** Number of charges recorded. */
  get size(): number {
    return this.#charges.size;
  }
}
