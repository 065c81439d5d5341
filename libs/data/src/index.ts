// Public API of @trellis/data: datasets of logic nodes, and the store that holds them for now.

/** A keyed dataset (`get`, `set`, `update` atomic per key, `delete`), whatever its sharing strategy. */
export type { Dataset, UpdateFunction } from './dataset';
/** The data layer's error catalogue (`data.unavailable`, `data.contended`, `data.corrupt_value`). */
export { DataErrors } from './errors';
/** Datasets kept in Redis, shared by every node of a family until the ring lands. */
export { RedisDataStore } from './redis-data-store';
export type { DatasetOptions, RedisDataStoreOptions } from './redis-data-store';
/** The add-wins cart CRDT on Yjs for the share-everything sharing strategy: one replica of one cart. */
export { CartReplica } from './crdt/cart-crdt';
export type { CartLine, CartReplicaOptions, CartUpdateListener } from './crdt/cart-crdt';
/** Keys to the fixed partitions of a ring (`partitionOf`, a stable 32-bit SHA-1 hash mod P). */
export { defaultPartitionCount, partitionOf } from './ring/partitions';
/** The deterministic claim: owners per partition, replica preference lists, partitions moved between tables. */
export { assign, partitionsMoved, preferenceList } from './ring/claim';
export type { Owners } from './ring/claim';
/** A family's committed ring (JSON, compare-and-set on its epoch) and its members' heartbeats in Redis. */
export { RingStore } from './ring/ring-store';
export type { RingState } from './ring/ring-store';
/** One node's membership of its family's ring: heartbeat, refresh, `current()`, `preferenceList(key, n)`. */
export { Membership } from './ring/membership';
export type { MembershipOptions } from './ring/membership';
export { ringKeyRouter } from './ring/ring-key-router';
