// `nx g @trellis/plugin:node <name> --type=logic|service [--profile=cpu|memory|io]`: a node family in one go.
import type { GeneratorCallback, Tree } from '@nx/devkit';
import { formatFiles } from '@nx/devkit';
import { renderBundleThen } from '../after-generation';
import { addFamilyToBlueprints } from '../blueprints';
import { addNamedExport } from '../source-edits';
import { contractsFileOf, contractsIndex } from '../workspace-files';
import { appFiles, contractsFile, exampleInterfaceOf } from './node-files';
import type { NodeGeneratorSchema } from './node-options';
import { checkNodeOptions } from './node-options';

/** node-pg-migrate orders migrations by this prefix: the time they were written, in milliseconds. */
function migrationId(): string {
  return String(Date.now());
}

/**
 * Adds the node family `name`: its app under apps/<name>, an example interface `<name>.ping` in the contracts
 * with a unit test and a test against the real broker, and the family in the three blueprints. With `dataset`
 * (logic nodes), the node keeps that keyed dataset on its family's ring (sharing `something` in the blueprints),
 * its example interface is routed by key (the gateway-route generator makes the gateway follow the ring). Checks every
 * option first and writes nothing when one is wrong.
 */
export async function nodeGenerator(tree: Tree, schema: NodeGeneratorSchema): Promise<GeneratorCallback> {
  const options = checkNodeOptions(tree, schema);
  for (const [path, content] of Object.entries(appFiles(options, migrationId()))) tree.write(path, content);

  tree.write(contractsFileOf(options.name), contractsFile(options));
  const index = tree.read(contractsIndex, 'utf-8');
  if (index === null) throw new Error(`${contractsIndex} is missing`);
  tree.write(
    contractsIndex,
    addNamedExport(
      contractsIndex,
      index,
      `./${options.name}`,
      exampleInterfaceOf(options.name).contractConst,
    ),
  );

  addFamilyToBlueprints(tree, options);
  await formatFiles(tree);

  return renderBundleThen(tree.root, [
    'npm install   (adds the new workspace package to package-lock.json)',
    `npx vitest run apps/${options.name}`,
    `npx nx g @trellis/plugin:interface ${options.name} ${options.name}.<verb> --policy=at-least-once`,
  ]);
}

export default nodeGenerator;
