// The shape of a cluster blueprint file, as a zod schema whose messages say what is allowed, so a refusal
// can be read without opening this file.
import { z } from 'zod';

/** The node types of the architecture, plus `external` for simulators of third-party systems. */
export const NODE_TYPES = ['front-end', 'logic', 'service', 'external'] as const;
/** A family's node type. */
export type NodeType = (typeof NODE_TYPES)[number];

/** What a node mostly consumes; the Kubernetes bundle sizes requests and limits from it. */
export const PROFILES = ['cpu', 'memory', 'io'] as const;
/** A family's resource profile. */
export type Profile = (typeof PROFILES)[number];

/**
 * The ratios a blueprint may constrain: `<a>Per<B>` is the number of `a` nodes per `b` node. External
 * simulators are not part of the platform, so no ratio counts them.
 */
export const RATIO_NAMES = [
  'logicPerFrontEnd',
  'servicePerFrontEnd',
  'servicePerLogic',
  'frontEndPerLogic',
  'frontEndPerService',
  'logicPerService',
] as const;
/** The name of a ratio. */
export type RatioName = (typeof RATIO_NAMES)[number];

/** Family names become node ids (`cart-2`) and environment variable names, hence kebab-case. */
export const FAMILY_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** ` (got "x")`, for messages that show the offending value. */
function got(input: unknown): string {
  if (input === undefined) return ' (missing)';
  const shown = JSON.stringify(input) as string | undefined;
  return ` (got ${shown ?? typeof input})`;
}

/** A mapping with a fixed set of fields whose unknown-field refusal lists the allowed ones. */
function fields<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}; allowed: ${allowed}`
        : `must be a mapping with the fields ${allowed}${got(issue.input)}`,
  });
}

function oneOf<const Values extends readonly [string, ...string[]]>(values: Values) {
  return z.enum(values, { error: (issue) => `must be one of ${values.join(', ')}${got(issue.input)}` });
}

const count = z
  .int({ error: (issue) => `must be a whole number of nodes, 0 or more${got(issue.input)}` })
  .min(0, { error: (issue) => `must be a whole number of nodes, 0 or more${got(issue.input)}` });

const ratioBound = (name: 'min' | 'max') =>
  z
    .number({ error: (issue) => `${name} must be a number, 0 or more${got(issue.input)}` })
    .min(0, { error: (issue) => `${name} must be a number, 0 or more${got(issue.input)}` })
    .optional();

const ratio = fields({ min: ratioBound('min'), max: ratioBound('max') })
  .refine((bounds) => bounds.min !== undefined || bounds.max !== undefined, {
    error: 'needs min, max or both',
  })
  .refine((bounds) => bounds.min === undefined || bounds.max === undefined || bounds.min <= bounds.max, {
    error: 'min must not exceed max',
  });

/** The talk's sharing strategies of a dataset. */
export const SHARING_STRATEGIES = ['nothing', 'something', 'everything'] as const;

const replicaCount = (name: string) =>
  z
    .int({ error: (issue) => `${name} must be a whole number from 1 to 7${got(issue.input)}` })
    .min(1, { error: (issue) => `${name} must be a whole number from 1 to 7${got(issue.input)}` })
    .max(7, { error: (issue) => `${name} must be a whole number from 1 to 7${got(issue.input)}` })
    .optional();

/** How one dataset of a family is shared (the nodes read it as `DATASET_<NAME>_*` variables). */
const datasetSchema = fields({
  sharing: oneOf(SHARING_STRATEGIES),
  replicas: replicaCount('replicas'),
  writeAcks: replicaCount('writeAcks'),
})
  .refine(
    (dataset) => dataset.sharing === 'something' || (dataset.replicas ?? dataset.writeAcks) === undefined,
    {
      error: 'replicas and writeAcks apply to sharing: something only',
    },
  )
  .refine((dataset) => (dataset.writeAcks ?? 0) <= (dataset.replicas ?? 2), {
    error: 'writeAcks must not exceed replicas (default 2)',
  });

/** One node family: what runs, how many, and how it is started. */
export const familySchema = fields({
  type: oneOf(NODE_TYPES),
  count,
  profile: oneOf(PROFILES),
  /** The entry file of one node, relative to the workspace root (run with tsx when it is TypeScript). */
  script: z
    .string({ error: (issue) => `must be the path of the node's entry file${got(issue.input)}` })
    .min(1, { error: 'must be the path of the node\'s entry file (got "")' }),
  /** Extra environment for every node of the family. */
  env: z
    .record(
      z.string().regex(ENV_NAME, { error: 'must be an environment variable name (letters, digits, _)' }),
      z.string({ error: (issue) => `must be a string (quote numbers)${got(issue.input)}` }),
      { error: (issue) => `must be a mapping of variable names to strings${got(issue.input)}` },
    )
    .optional(),
  /** How each of the family's keyed datasets is shared; the environment's `DATASET_<NAME>_*` overrides it. */
  datasets: z
    .record(
      z
        .string()
        .regex(/^[a-z][a-z0-9]*$/, { error: 'dataset names are lower-case letters and digits, e.g. carts' }),
      datasetSchema,
      { error: (issue) => `must be a mapping of dataset names to their sharing${got(issue.input)}` },
    )
    .optional(),
});

// `satisfies` keeps this list and RATIO_NAMES in step: a name missing or extra here does not compile.
const ratioFields = {
  logicPerFrontEnd: ratio.optional(),
  servicePerFrontEnd: ratio.optional(),
  servicePerLogic: ratio.optional(),
  frontEndPerLogic: ratio.optional(),
  frontEndPerService: ratio.optional(),
  logicPerService: ratio.optional(),
} satisfies Record<RatioName, unknown>;

/** The whole blueprint file. */
export const blueprintSchema = fields({
  families: z
    .record(
      z.string().regex(FAMILY_NAME, {
        error: 'family names must be kebab-case: lower-case letters and digits, words joined by "-"',
      }),
      familySchema,
      { error: (issue) => `must be a mapping of family names to families${got(issue.input)}` },
    )
    .refine((families) => Object.keys(families).length > 0, { error: 'must name at least one family' }),
  ratios: fields(ratioFields).optional(),
});

/** The blueprint file as written, once it has the right shape. */
export type BlueprintFile = z.infer<typeof blueprintSchema>;
