// Reads and validates the cluster blueprint: which node families run, how many nodes of each, and the
// ratios between node types that must hold. A blueprint that is wrong in any way is refused as a whole.
import { readFile } from 'node:fs/promises';

import type { TrellisError } from '@trellis/contracts';
import { parseDocument } from 'yaml';
import type { z } from 'zod';

import { blueprintSchema } from './blueprint-schema';
import type { BlueprintFile, NodeType, Profile, RatioName } from './blueprint-schema';
import { SupervisorErrors } from './errors';
import type { BlueprintProblem } from './errors';
import { checkRatios } from './ratios';
import type { RatioBounds } from './ratios';

/** One node family of a validated blueprint. */
export interface Family {
  readonly name: string;
  readonly type: NodeType;
  readonly count: number;
  readonly profile: Profile;
  /** The entry file of one node, relative to the workspace root. */
  readonly script: string;
  /** Extra environment for every node of the family. */
  readonly env: Readonly<Record<string, string>>;
  /** The environment variable that set `count`, when it did not come from the file. */
  readonly countOverriddenBy?: string | undefined;
}

/** A validated blueprint: families in file order and the ratios they satisfy. */
export interface Blueprint {
  /** The file name the blueprint was read from, as given. */
  readonly file: string;
  readonly families: readonly Family[];
  readonly ratios: Readonly<Partial<Record<RatioName, RatioBounds>>>;
}

const OVERRIDE_VARIABLE = /^BLUEPRINT_([A-Z0-9_]+)_COUNT$/;

/** The environment variable that overrides a family's count: `payment-provider` → `BLUEPRINT_PAYMENT_PROVIDER_COUNT`. */
export function countVariableOf(familyName: string): string {
  return `BLUEPRINT_${familyName.toUpperCase().replaceAll('-', '_')}_COUNT`;
}

function refuse(file: string, problems: readonly BlueprintProblem[]): TrellisError {
  const lines = problems.map((problem) => `  ${file}: ${problem.at}: ${problem.message}`);
  return SupervisorErrors.invalidBlueprint.create(
    `Refused the cluster blueprint ${file}; nothing was started:\n${lines.join('\n')}`,
    { file, problems },
  );
}

function problemsOf(error: z.ZodError): BlueprintProblem[] {
  return error.issues.map((issue) => {
    const at = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    // A record key's own issues (e.g. a family name that is not kebab-case) hold the useful message.
    const message =
      issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return { at, message };
  });
}

/**
 * Reads the `BLUEPRINT_<FAMILY>_COUNT` variables. An empty value counts as unset, so that
 * `BLUEPRINT_CART_COUNT= npm start` means "as the file says"; a variable naming no family is refused
 * rather than ignored, because a typo there would otherwise go unnoticed.
 */
function countOverrides(
  familyNames: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { overrides: Map<string, { count: number; variable: string }>; problems: BlueprintProblem[] } {
  const overrides = new Map<string, { count: number; variable: string }>();
  const problems: BlueprintProblem[] = [];
  const variables = new Map(familyNames.map((name) => [countVariableOf(name), name]));
  for (const [variable, value] of Object.entries(env)) {
    if (!OVERRIDE_VARIABLE.test(variable) || value === undefined || value.trim() === '') continue;
    const family = variables.get(variable);
    if (family === undefined) {
      problems.push({
        at: `environment ${variable}`,
        message: `names no family of the blueprint; overridable: ${[...variables.keys()].join(', ')}`,
      });
    } else if (!/^\d+$/.test(value.trim())) {
      problems.push({
        at: `environment ${variable}`,
        message: `must be a whole number of nodes, 0 or more (got ${JSON.stringify(value)})`,
      });
    } else {
      overrides.set(family, { count: Number(value.trim()), variable });
    }
  }
  return { overrides, problems };
}

/**
 * Parses and validates a blueprint written in YAML (or JSON, which YAML reads as well). `fileName` only
 * names the source in messages. `env` holds the `BLUEPRINT_<FAMILY>_COUNT` overrides; the ratios are
 * checked against the counts after them. Pure: reads nothing but its arguments.
 *
 * @throws TrellisError `supervisor.invalid_blueprint` naming the file, each field path (or variable) at
 *   fault and what is allowed there; `data` is `{ file, problems }`.
 */
export function parseBlueprint(
  text: string,
  fileName: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Blueprint {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw refuse(
      fileName,
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        return {
          at: position ? `line ${position.line}, column ${position.col}` : '(document)',
          message: `not valid YAML: ${error.message.split('\n')[0] ?? error.code}`,
        };
      }),
    );
  }

  const parsed = blueprintSchema.safeParse(document.toJS(), { reportInput: true });
  if (!parsed.success) throw refuse(fileName, problemsOf(parsed.error));

  const names = Object.keys(parsed.data.families);
  const { overrides, problems } = countOverrides(names, env);
  if (problems.length > 0) throw refuse(fileName, problems);

  const families: Family[] = Object.entries(parsed.data.families).map(([name, family]) => {
    const override = overrides.get(name);
    return {
      name,
      type: family.type,
      count: override?.count ?? family.count,
      profile: family.profile,
      script: family.script,
      env: { ...datasetEnvironment(family.datasets ?? {}, env), ...family.env },
      countOverriddenBy: override?.variable,
    };
  });
  const ratios = parsed.data.ratios ?? {};
  const ratioProblems = checkRatios(families, ratios);
  if (ratioProblems.length > 0) throw refuse(fileName, ratioProblems);

  return { file: fileName, families, ratios };
}

/**
 * Reads the blueprint at `path` and validates it with the count overrides in `env` (see
 * {@link parseBlueprint}). A missing or unreadable file is refused the same way as a wrong one.
 */
export async function loadBlueprint(
  path: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Blueprint> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw refuse(path, [{ at: '(file)', message: `cannot be read: ${reason}` }]);
  }
  return parseBlueprint(text, path, env);
}

/**
 * The `DATASET_<NAME>_SHARING`, `_REPLICAS` and `_WRITE_ACKS` variables of a family's datasets, leaving out
 * every variable `env` already sets, so the environment overrides the blueprint (and so the nodes inherit it).
 */
function datasetEnvironment(
  datasets: NonNullable<BlueprintFile['families'][string]['datasets']>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  // An empty variable counts as unset, as the nodes read it (and as `BLUEPRINT_<FAMILY>_COUNT=` does): the
  // blueprint's value then goes into the family's environment, which the nodes get over the inherited one.
  const isSet = (variable: string): boolean => (env[variable] ?? '') !== '';
  const variables: Record<string, string> = {};
  for (const [name, dataset] of Object.entries(datasets)) {
    const prefix = `DATASET_${name.toUpperCase()}_`;
    const sharingSet = isSet(`${prefix}SHARING`);
    const values = { SHARING: dataset.sharing, REPLICAS: dataset.replicas, WRITE_ACKS: dataset.writeAcks };
    for (const [suffix, value] of Object.entries(values)) {
      // An overridden strategy takes none of the blueprint's parameters, which may not apply to it.
      if (value === undefined || isSet(`${prefix}${suffix}`) || (sharingSet && suffix !== 'SHARING'))
        continue;
      variables[`${prefix}${suffix}`] = String(value);
    }
  }
  return variables;
}
