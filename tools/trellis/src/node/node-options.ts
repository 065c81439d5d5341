// The node generator's options, checked before anything is written.
import type { Tree } from '@nx/devkit';
import { blueprintFamilies } from '../blueprints';
import { nodeNamePattern } from '../names';
import { contractsFileOf, declaredInterfaceNames } from '../workspace-files';

/** Node types the generator makes (front-end and external nodes are one of a kind, made by hand). */
export const nodeTypes = ['logic', 'service'] as const;
/** What a node mostly consumes, as the blueprint says it. */
export const profiles = ['cpu', 'memory', 'io'] as const;

/** What `nx g @trellis/plugin:node` receives. */
export interface NodeGeneratorSchema {
  name: string;
  type: string;
  profile?: string;
  /** A keyed dataset on the family's ring (logic nodes only). */
  dataset?: string;
}

/** The options once checked. */
export interface NodeOptions {
  readonly name: string;
  readonly type: (typeof nodeTypes)[number];
  readonly profile: (typeof profiles)[number];
  /** The keyed dataset the node keeps on its family's ring, shared as configuration says. */
  readonly dataset: string | undefined;
}

/** A dataset's name: the blueprint's rule, since it names the `DATASET_<NAME>_*` variables too. */
export const datasetNamePattern = /^[a-z][a-z0-9]*$/;

function isOneOf<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return value !== undefined && (values as readonly string[]).includes(value);
}

/**
 * The checked options, or an error listing every problem: a name that is not one lower-case word or is taken
 * (an app, a blueprint family, an interface family or a contracts file of that name), an unknown type or profile,
 * a dataset that is not one lower-case word or is asked of a service node.
 */
export function checkNodeOptions(tree: Tree, schema: NodeGeneratorSchema): NodeOptions {
  const problems: string[] = [];
  const { name } = schema;
  if (!nodeNamePattern.test(name)) {
    problems.push(
      `name "${name}" must be one lower-case word of letters and digits, e.g. inventory: it is also the family ` +
        `of the node's interfaces (inventory.reserve), which cannot hold a dash`,
    );
  } else {
    const taken = [
      tree.exists(`apps/${name}`) ? `apps/${name} exists` : undefined,
      blueprintFamilies(tree).has(name) ? 'a blueprint already has that family' : undefined,
      declaredInterfaceNames(tree).some((declared) => declared.startsWith(`${name}.`))
        ? `the contracts already declare ${name}.* interfaces`
        : undefined,
      tree.exists(contractsFileOf(name)) ? `${contractsFileOf(name)} exists` : undefined,
    ].filter((reason) => reason !== undefined);
    if (taken.length > 0) problems.push(`name "${name}" is taken: ${taken.join('; ')}`);
  }
  if (!isOneOf(nodeTypes, schema.type)) {
    problems.push(`type "${schema.type}" must be one of ${nodeTypes.join(', ')}`);
  }
  if (schema.profile !== undefined && !isOneOf(profiles, schema.profile)) {
    problems.push(`profile "${schema.profile}" must be one of ${profiles.join(', ')}`);
  }
  if (schema.dataset !== undefined) {
    if (!datasetNamePattern.test(schema.dataset)) {
      problems.push(
        `dataset "${schema.dataset}" must be one lower-case word of letters and digits, e.g. notes: it names ` +
          `the blueprint's datasets entry and the DATASET_<NAME>_SHARING variable`,
      );
    }
    if (schema.type === 'service') {
      problems.push(
        `dataset needs --type=logic: a service node keeps its data in its own Postgres schema, a logic node ` +
          `keeps a keyed dataset on its family's ring`,
      );
    }
  }
  if (problems.length > 0 || !isOneOf(nodeTypes, schema.type)) {
    throw new Error(
      `Cannot add node ${name}; nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  // A logic node computes; a service node waits on its database.
  const profile = isOneOf(profiles, schema.profile) ? schema.profile : schema.type === 'logic' ? 'cpu' : 'io';
  return { name, type: schema.type, profile, dataset: schema.dataset };
}
