// Public API of @trellis/ring: the consistent-hash ring of a node family (Dynamo / Riak Core style).

/** Keys to the fixed partitions of a ring (`partitionOf`, a stable 32-bit SHA-1 hash mod P). */
export { defaultPartitionCount, partitionOf } from './partitions';
/** The deterministic claim: owners per partition, replica preference lists, partitions moved between tables. */
export { assign, partitionsMoved, preferenceList } from './claim';
export type { Owners } from './claim';
/** The ring's error catalogue (`ring.unavailable`, `ring.contended`, `ring.corrupt`). */
export { RingErrors } from './errors';
/** A family's committed ring (JSON, compare-and-set on its epoch) and its members' heartbeats in Redis. */
export { RingStore } from './ring-store';
export type { RingState } from './ring-store';
/** One node's membership of its family's ring: heartbeat, lease, refresh, `current()`, `preferenceList(key, n)`. */
export { Membership } from './membership';
export type { MembershipOptions, RingListener } from './membership';
/** A read-only view of a family's ring, for callers that are not members (the gateway). */
export { RingObserver } from './ring-observer';
export type { RingObserverOptions } from './ring-observer';
/** The bus's keyed routing from rings: a keyed call goes to its key's owner. */
export { ringKeyRouter } from './ring-key-router';
