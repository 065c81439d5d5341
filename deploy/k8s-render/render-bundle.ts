// Renders the whole bundle in memory from the three blueprints: k8s/base, k8s/overlays/{dev,production} and
// docker/compose.yaml. Nothing is written here, so a wrong blueprint can never leave a half-rendered bundle.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { BlueprintFiles } from './bundle-layout';
import { BLUEPRINT_FILES, COMPOSE_FILE, imageTag } from './bundle-layout';
import { loadBundleBlueprints, platformFamiliesOf } from './bundle-blueprints';
import { composeManifest } from './compose/compose-file';
import type { KustomizeFile } from './kubernetes/base';
import { baseFiles } from './kubernetes/base';
import type { RenderedFile } from './output/yaml-file';
import { yamlFile } from './output/yaml-file';
import { devOverlayFiles } from './overlays/dev-overlay';
import { productionOverlayFiles } from './overlays/production-overlay';

/** Options of {@link renderBundle}. */
export interface RenderOptions {
  /** The repository root: blueprints, apps and Prettier settings are read from there. */
  readonly root: string;
  /** The blueprints, relative to `root` (or absolute); the repository's by default. */
  readonly blueprints?: BlueprintFiles;
}

async function folder(
  root: string,
  path: string,
  renderedFrom: string,
  files: readonly KustomizeFile[],
): Promise<RenderedFile[]> {
  return Promise.all(
    files.map((file) => yamlFile(root, `${path}/${file.name}`, renderedFrom, file.manifests)),
  );
}

/**
 * Every file of the bundle, path (relative to the root) and text. Refuses a wrong blueprint with
 * `supervisor.invalid_blueprint`, naming the file, the field and what is allowed, before rendering anything.
 */
export async function renderBundle(options: RenderOptions): Promise<RenderedFile[]> {
  const { root } = options;
  const files = options.blueprints ?? BLUEPRINT_FILES;
  const blueprints = await loadBundleBlueprints(root, files);
  const version = imageTag(root);
  const textOf = (file: string) => readFile(resolve(root, file), 'utf8');
  const baseFamilies = platformFamiliesOf(blueprints.default, root);

  const base = baseFiles({
    blueprint: blueprints.default,
    blueprintText: await textOf(files.default),
    families: baseFamilies,
    version,
  });
  const dev = devOverlayFiles({
    blueprint: blueprints.dev,
    blueprintText: await textOf(files.dev),
    families: platformFamiliesOf(blueprints.dev, root),
    baseFamilies,
    root,
    version,
  });
  const production = productionOverlayFiles({
    blueprint: blueprints.production,
    blueprintText: await textOf(files.production),
    families: platformFamiliesOf(blueprints.production, root),
    baseFamilies,
    version,
  });
  return [
    ...(await folder(root, 'k8s/base', files.default, base)),
    ...(await folder(root, 'k8s/overlays/dev', `${files.dev} and ${files.default}`, dev)),
    ...(await folder(
      root,
      'k8s/overlays/production',
      `${files.production} and ${files.default}`,
      production,
    )),
    await yamlFile(root, COMPOSE_FILE, files.default, [
      composeManifest({ blueprint: blueprints.default, root }),
    ]),
  ];
}
