// Reads the three blueprints the bundle is rendered from, with @trellis/supervisor's `loadBlueprint` (the same
// refusals as `npm start`), and adds what Kubernetes needs on top. Any problem refuses every blueprint at
// once, before anything is rendered, so nothing is ever half-written.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

import type { TrellisError } from '@trellis/contracts';
import type { Blueprint, BlueprintProblem } from '@trellis/supervisor';
import { loadBlueprint, SupervisorErrors } from '@trellis/supervisor';

import type { BlueprintFiles } from './bundle-layout';
import { managedEnvironment } from './node-environment';
import type { NodeFamily } from './node-family';
import { APP_SCRIPT, nodeFamilyOf } from './node-family';
import { thirdPartyProblems } from './third-party-systems';

/** The three blueprints, validated. */
export interface BundleBlueprints {
  readonly default: Blueprint;
  readonly dev: Blueprint;
  readonly production: Blueprint;
}

/** The refusal, worded like `loadBlueprint`'s, saying that nothing was rendered. */
function refuse(file: string, problems: readonly BlueprintProblem[]): TrellisError {
  const lines = problems.map((problem) => `  ${file}: ${problem.at}: ${problem.message}`);
  return SupervisorErrors.invalidBlueprint.create(
    `Refused the cluster blueprint ${file}; nothing was rendered:\n${lines.join('\n')}`,
    { file, problems },
  );
}

function problemsOf(error: TrellisError): readonly BlueprintProblem[] {
  const data = error.data as { problems?: readonly BlueprintProblem[] } | undefined;
  return data?.problems ?? [{ at: '(file)', message: error.message }];
}

/** The path as given when it lies below the working directory: shorter in messages. */
function shortPath(path: string): string {
  const below = relative(process.cwd(), path);
  return below === '' || below.startsWith('..') || isAbsolute(below) ? path : below;
}

/**
 * The blueprint at `file` (relative to `root`), read with `loadBlueprint`. The environment's
 * `BLUEPRINT_<FAMILY>_COUNT` and `DATASET_*` overrides are not applied: the committed bundle must not depend on
 * the shell that rendered it.
 */
async function load(root: string, file: string): Promise<Blueprint> {
  const path = shortPath(resolve(root, file));
  try {
    return await loadBlueprint(path, {});
  } catch (error) {
    if (SupervisorErrors.invalidBlueprint.is(error)) throw refuse(path, problemsOf(error));
    throw error;
  }
}

/** What one blueprint must hold for Kubernetes, beyond what `loadBlueprint` checks. */
function kubernetesProblems(blueprint: Blueprint, root: string): BlueprintProblem[] {
  const problems: BlueprintProblem[] = [];
  for (const family of blueprint.families) {
    if (!APP_SCRIPT.test(family.script)) {
      problems.push({
        at: `families.${family.name}.script`,
        message: `must be apps/<app>/src/main.ts: the image runs that app's compiled entry file (got ${JSON.stringify(family.script)})`,
      });
      continue;
    }
    const appManifest = resolve(root, family.script, '..', '..', 'package.json');
    if (!existsSync(appManifest)) {
      problems.push({
        at: `families.${family.name}.script`,
        message: `names an app without a package.json (${relative(root, appManifest)}); allowed: the main.ts of an app under apps/`,
      });
      continue;
    }
    if (family.type === 'external') continue;
    if (family.count === 0) {
      problems.push({
        at: `families.${family.name}.count`,
        message:
          'must be 1 or more in a blueprint the Kubernetes bundle deploys (only external simulators may be 0) (got 0)',
      });
    }
    const managed = new Set(managedEnvironment(nodeFamilyOf(family, root)).map((entry) => entry.name));
    for (const name of Object.keys(family.env)) {
      if (managed.has(name)) {
        problems.push({
          at: `families.${family.name}.env.${name}`,
          message: `is set by the bundle for every ${family.name} node; allowed: any variable but ${[...managed].join(', ')}`,
        });
      }
    }
  }
  return [...problems, ...thirdPartyProblems(blueprint)];
}

/** An overlay's blueprint must deploy the base's platform families, each with the same node type. */
function overlayProblems(overlay: Blueprint, base: Blueprint): BlueprintProblem[] {
  const problems: BlueprintProblem[] = [];
  const platform = (blueprint: Blueprint) =>
    blueprint.families.filter((family) => family.type !== 'external');
  const baseNames = platform(base).map((family) => family.name);
  for (const family of platform(overlay)) {
    const inBase = base.families.find((candidate) => candidate.name === family.name);
    if (inBase === undefined) {
      problems.push({
        at: `families.${family.name}`,
        message: `is not in ${base.file}, whose families the Kubernetes base deploys; allowed: ${baseNames.join(', ')}`,
      });
    } else if (inBase.type !== family.type) {
      problems.push({
        at: `families.${family.name}.type`,
        message: `must be ${inBase.type}, as in ${base.file} (got "${family.type}")`,
      });
    }
  }
  for (const name of baseNames) {
    if (!overlay.families.some((family) => family.name === name)) {
      problems.push({
        at: `families.${name}`,
        message: `is missing; the Kubernetes base deploys it (${base.file})`,
      });
    }
  }
  return problems;
}

/**
 * Loads and checks the three blueprints. Throws `supervisor.invalid_blueprint` naming the file, the field and
 * what is allowed, for the first blueprint that is wrong.
 */
export async function loadBundleBlueprints(root: string, files: BlueprintFiles): Promise<BundleBlueprints> {
  const blueprints: BundleBlueprints = {
    default: await load(root, files.default),
    dev: await load(root, files.dev),
    production: await load(root, files.production),
  };
  for (const blueprint of [blueprints.default, blueprints.dev, blueprints.production]) {
    const problems = kubernetesProblems(blueprint, root);
    if (blueprint !== blueprints.default) problems.push(...overlayProblems(blueprint, blueprints.default));
    if (problems.length > 0) throw refuse(blueprint.file, problems);
  }
  return blueprints;
}

/** The platform families of a blueprint (every family but the external simulators), as the bundle deploys them. */
export function platformFamiliesOf(blueprint: Blueprint, root: string): NodeFamily[] {
  return blueprint.families
    .filter((family) => family.type !== 'external')
    .map((family) => nodeFamilyOf(family, root));
}
