// Public API of @trellis/data: a logic node's datasets, each shared across its family as configuration says.

/** A keyed dataset (`get`, `set`, `update` atomic per key, `delete`), whatever its sharing strategy. */
export type { Dataset, UpdateFunction } from './dataset';
/** What code declares of a dataset: name, value schema, merge rule, time to live. */
export { defineDataset } from './dataset-definition';
export type { DatasetDefinition } from './dataset-definition';
/** How share-everything replicas merge: one value, or an add-wins cart. */
export { addWinsCart, singleValue } from './crdt/merge-rules';
export type { CartValue, MergeRule } from './crdt/merge-rules';
/** The add-wins cart CRDT on Yjs underneath `addWinsCart`: one replica of one cart. */
export { CartReplica } from './crdt/cart-crdt';
export type { CartLine, CartReplicaOptions, CartUpdateListener } from './crdt/cart-crdt';
/** Sharing strategies from settings: `DATASET_<NAME>_SHARING`, `_REPLICAS`, `_WRITE_ACKS`. */
export { sharingOf, sharingSettings, sharingStrategies } from './sharing';
export type { DatasetSharing, SharingStrategy } from './sharing';
/** A node's datasets on its family's ring, and the data bus's routing. */
export { DataNode, dataBusRouter } from './data-node';
export type { DataNodeOptions, DatasetDescription, DatasetPlan } from './data-node';
/** The data layer's error catalogue (`data.unavailable`, `data.not_owner`, `data.corrupt_value`). */
export { DataErrors } from './errors';
