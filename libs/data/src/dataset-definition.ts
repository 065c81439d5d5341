import type { z } from 'zod';
import type { MergeRule } from './crdt/merge-rules';

/**
 * What a node's code says of one dataset: its name, the type of its values and how they merge. Where the
 * values live (the sharing strategy) is not here: it comes from configuration, so one build runs all three.
 */
export interface DatasetDefinition<Value> {
  /** Unique within the node family; names the dataset in settings (`DATASET_<NAME>_SHARING`) and in the cluster view. */
  readonly name: string;
  /** Every value read from a replica or a peer is checked against it. */
  readonly schema: z.ZodType<Value>;
  /** How diverged replicas merge under share-everything. */
  readonly merge: MergeRule<Value>;
  /** How long a key lives after its last write (sliding); kept forever when omitted. */
  readonly ttlSeconds?: number;
}

/** Declares a dataset (see {@link DatasetDefinition}); throws on a name that settings could not name. */
export function defineDataset<Value>(definition: DatasetDefinition<Value>): DatasetDefinition<Value> {
  if (!/^[a-z][a-z0-9]*$/.test(definition.name)) {
    throw new Error(`dataset name "${definition.name}" must be lower-case letters and digits, e.g. carts`);
  }
  return Object.freeze({ ...definition });
}
