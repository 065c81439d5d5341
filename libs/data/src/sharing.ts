// A dataset's sharing strategy comes from configuration (the blueprint, overridable by environment), never
// from code: "you might share all your session data, but not the shopping cart".
import { z } from 'zod';

/** The talk's three sharing strategies. */
export const sharingStrategies = ['nothing', 'something', 'everything'] as const;
export type SharingStrategy = (typeof sharingStrategies)[number];

/** How one dataset is shared across the nodes of its family. */
export interface DatasetSharing {
  readonly strategy: SharingStrategy;
  /** Nodes holding each key, owner first: 1 for nothing, N for something; every member for everything (0 here). */
  readonly replicas: number;
  /** Replicas (the owner counted) that must hold a write before it is acknowledged; 1 for nothing and everything. */
  readonly writeAcks: number;
}

const maxReplicas = 7;

function count(variable: string) {
  const allowed = `must be a whole number from 1 to ${maxReplicas}`;
  return z.coerce
    .number({ error: allowed })
    .int({ error: allowed })
    .min(1, { error: allowed })
    .max(maxReplicas, { error: allowed })
    .optional()
    .describe(variable);
}

type SharingShape<Name extends string> = {
  [K in `DATASET_${Uppercase<Name>}_SHARING`]: z.ZodDefault<z.ZodEnum<{ [S in SharingStrategy]: S }>>;
} & {
  [K in `DATASET_${Uppercase<Name>}_REPLICAS` | `DATASET_${Uppercase<Name>}_WRITE_ACKS`]: ReturnType<
    typeof count
  >;
};

const variablesOf = (name: string) => {
  const upper = name.toUpperCase();
  return {
    sharing: `DATASET_${upper}_SHARING`,
    replicas: `DATASET_${upper}_REPLICAS`,
    writeAcks: `DATASET_${upper}_WRITE_ACKS`,
  };
};

/**
 * The settings of one dataset's sharing, to spread into a node's settings schema:
 * `DATASET_<NAME>_SHARING` (nothing | something | everything; default something),
 * `DATASET_<NAME>_REPLICAS` (share-something's N, default 2) and `DATASET_<NAME>_WRITE_ACKS` (share-something's
 * W: 1 acknowledges once the owner holds the write, N once every replica does; default N).
 */
export function sharingSettings<Name extends string>(name: Name): SharingShape<Name> {
  const variables = variablesOf(name);
  return {
    [variables.sharing]: z
      .enum(sharingStrategies, { error: `must be one of ${sharingStrategies.join(', ')}` })
      .default('something'),
    [variables.replicas]: count(variables.replicas),
    [variables.writeAcks]: count(variables.writeAcks),
  } as SharingShape<Name>;
}

/**
 * The sharing of dataset `name` from settings parsed with {@link sharingSettings}. Throws, naming the
 * variables, when the write acknowledgements exceed the replicas or a strategy is given parameters it has not.
 */
export function sharingOf(settings: Readonly<Record<string, unknown>>, name: string): DatasetSharing {
  const variables = variablesOf(name);
  const strategy = settings[variables.sharing] as SharingStrategy;
  const replicas = settings[variables.replicas] as number | undefined;
  const writeAcks = settings[variables.writeAcks] as number | undefined;
  if (strategy !== 'something') {
    const given = [
      replicas === undefined ? [] : [variables.replicas],
      writeAcks === undefined ? [] : [variables.writeAcks],
    ].flat();
    if (given.length > 0) {
      throw new Error(
        `${given.join(' and ')} apply to share-something only; ${variables.sharing} is ${strategy}`,
      );
    }
    return { strategy, replicas: strategy === 'nothing' ? 1 : 0, writeAcks: 1 };
  }
  const n = replicas ?? 2;
  const w = writeAcks ?? n;
  if (w > n) {
    throw new Error(`${variables.writeAcks}=${w} must not exceed ${variables.replicas}=${n}`);
  }
  return { strategy, replicas: n, writeAcks: w };
}
