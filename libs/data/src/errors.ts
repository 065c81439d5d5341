import { defineErrorType } from '@trellis/contracts';

/** The data layer's error catalogue: what a dataset operation may fail with. */
export const DataErrors = {
  /** The store cannot be reached; the operation may or may not have happened, so retry it (idempotently). */
  unavailable: defineErrorType('data.unavailable', 503, true),
  /** An atomic update kept losing to other writers of the same key; trying again later may succeed. */
  contended: defineErrorType('data.contended', 503, true),
  /** A stored value is not JSON or does not match the dataset's schema (a bug or a foreign writer). */
  corruptValue: defineErrorType('data.corrupt_value', 500, false),
};
