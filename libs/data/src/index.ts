// Public API of @trellis/data: datasets of logic nodes, and the store that holds them for now.

/** A keyed dataset (`get`, `set`, `update` atomic per key, `delete`), whatever its sharing strategy. */
export type { Dataset, UpdateFunction } from './dataset';
/** The data layer's error catalogue (`data.unavailable`, `data.contended`, `data.corrupt_value`). */
export { DataErrors } from './errors';
/** Datasets kept in Redis, shared by every node of a family until the ring lands. */
export { RedisDataStore } from './redis-data-store';
export type { DatasetOptions, RedisDataStoreOptions } from './redis-data-store';
