// Keys to partitions: the fixed, equal partitions of the ring (Riak Core's method: the key space is cut once,
// and only whole partitions ever change owner).
import { createHash } from 'node:crypto';

/** Partitions of a ring unless configured otherwise: a power of two, so `hash mod P` has no bias. */
export const defaultPartitionCount = 64;

/**
 * Throws unless `partitionCount` is a whole number from 1 to 65 536. More partitions than that only cost
 * memory, and the 32-bit hash below stays unbiased enough (at most P / 2^32) below it.
 */
export function checkPartitionCount(partitionCount: number): void {
  if (!Number.isInteger(partitionCount) || partitionCount < 1 || partitionCount > 65_536) {
    throw new Error(`partition count ${partitionCount} must be a whole number from 1 to 65536`);
  }
}

/**
 * The first 4 bytes of the SHA-1 digest of `text` (UTF-8) as an unsigned big-endian integer. SHA-1 because it
 * is the hash Riak Core's ring uses, it ships with Node (no dependency), every process and platform computes
 * the same value (unlike seeded or random-point hashes), and its bits are spread evenly; it is not used for
 * security here, so its collision weakness does not matter.
 */
export function hash32(text: string): number {
  return createHash('sha1').update(text, 'utf8').digest().readUInt32BE(0);
}

/**
 * The partition of `key` in a ring of `partitionCount` partitions: `hash32(key) mod partitionCount`, in
 * `[0, partitionCount)`. Pure and the same in every process, so any node can tell where a key lives.
 */
export function partitionOf(key: string, partitionCount: number): number {
  checkPartitionCount(partitionCount);
  return hash32(key) % partitionCount;
}
