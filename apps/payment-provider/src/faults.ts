// Faults a test can switch on in the simulator: slowness, outright failure before charging, and the reply
// lost after the charge was made (the case idempotency keys exist for).
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

import type { FaultSettingsInput } from './schemas';

/** The fault settings in force; zero everywhere means no faults. */
export interface FaultSettings {
  readonly latencyMs: number;
  readonly failRate: number;
  /** Charges still to be committed and then left without a reply. */
  readonly dropReplyAfterCommit: number;
  /** The seed of the dice, or `null` when seeded from the clock. */
  readonly seed: number | null;
}

const NO_FAULTS: FaultSettings = { latencyMs: 0, failRate: 0, dropReplyAfterCommit: 0, seed: null };

function seedFromClock(): number {
  return (Date.now() ^ (process.hrtime()[1] << 8)) | 0;
}

/** The simulator's fault switches and the seeded dice that decide which requests fail. */
export class Faults {
  #settings: FaultSettings = NO_FAULTS;
  #dice: RandomGenerator = xoroshiro128plus(seedFromClock());

  /** The settings in force. */
  get settings(): FaultSettings {
    return this.#settings;
  }

  /**
   * Replaces every setting (an absent field means none of that fault) and re-seeds the dice, so the same
   * settings with the same seed fail the same requests in the same order.
   */
  set(input: FaultSettingsInput): FaultSettings {
    this.#settings = {
      latencyMs: input.latencyMs ?? 0,
      failRate: input.failRate ?? 0,
      dropReplyAfterCommit: input.dropReplyAfterCommit ?? 0,
      seed: input.seed ?? null,
    };
    this.#dice = xoroshiro128plus(input.seed ?? seedFromClock());
    return this.#settings;
  }

  /** Switches every fault off. */
  reset(): FaultSettings {
    return this.set({});
  }

  /** Rolls the dice for one charge: true when it must fail before charging. Rolls nothing at rate 0. */
  shouldFail(): boolean {
    const { failRate } = this.#settings;
    if (failRate <= 0) return false;
    return uniformFloat64(this.#dice) < failRate;
  }

  /** True (and one fewer left) when the reply to the charge just committed must be dropped. */
  takeDroppedReply(): boolean {
    if (this.#settings.dropReplyAfterCommit <= 0) return false;
    this.#settings = { ...this.#settings, dropReplyAfterCommit: this.#settings.dropReplyAfterCommit - 1 };
    return true;
  }
}
