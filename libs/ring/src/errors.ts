import { defineErrorType } from '@trellis/contracts';

/** The ring's error catalogue: what membership and the stored ring may fail with. */
export const RingErrors = {
  /** Redis (where membership and the ring live) cannot be reached, or no member is alive to own partitions. */
  unavailable: defineErrorType('ring.unavailable', 503, true),
  /** The ring kept changing while this node tried to commit its view of the members; try again later. */
  contended: defineErrorType('ring.contended', 503, true),
  /** The stored ring is not JSON or not a ring (a bug or a foreign writer under the same prefix). */
  corrupt: defineErrorType('ring.corrupt', 500, false),
};
