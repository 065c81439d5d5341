import { defineErrorType } from '@trellis/contracts';

/** The data layer's error catalogue: what a dataset operation may fail with. */
export const DataErrors = {
  /**
   * The data cannot be reached or a write did not reach enough replicas; the operation may or may not have
   * happened, so retry it (idempotently).
   */
  unavailable: defineErrorType('data.unavailable', 503, true),
  /**
   * This node does not own the key's partition under its ring (the caller routed by an older ring, or this
   * node's ring lease lapsed). Retryable: the caller's next attempt follows the newer ring.
   */
  notOwner: defineErrorType('data.not_owner', 503, true),
  /** A stored or replicated value does not match the dataset's schema (a bug or a foreign writer). */
  corruptValue: defineErrorType('data.corrupt_value', 500, false),
};
