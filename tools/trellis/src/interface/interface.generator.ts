// `nx g @trellis/plugin:interface <node> <family.verb> --policy=… [--route=any|by-key]`: one more interface.
import type { GeneratorCallback, Tree } from '@nx/devkit';
import { formatFiles } from '@nx/devkit';
import { renderBundleThen } from '../after-generation';
import { addNamedExport, addNamedImport, appendClassMember } from '../source-edits';
import { contractsFileOf, contractsIndex, handlersFileOf, handlersSpecOf } from '../workspace-files';
import {
  contractOf,
  exactlyOnceTestOf,
  exactlyOnceTestPath,
  handlerMethodOf,
  unitTestOf,
} from './interface-files';
import type { InterfaceGeneratorSchema } from './interface-options';
import { checkInterfaceOptions } from './interface-options';

function edit(tree: Tree, path: string, change: (source: string) => string): void {
  const source = tree.read(path, 'utf-8');
  if (source === null) throw new Error(`${path} is missing`);
  tree.write(path, change(source));
}

/**
 * Adds the interface: its contract in the node's contracts file (exported from the contracts' index), a handler
 * method that throws until written, and its test (a unit test; for exactly-once a test against the broker and
 * the database). Checks every option first and writes nothing when one is wrong.
 */
export async function interfaceGenerator(
  tree: Tree,
  schema: InterfaceGeneratorSchema,
): Promise<GeneratorCallback> {
  const options = checkInterfaceOptions(tree, schema);
  const contracts = contractsFileOf(options.node);
  const handlers = handlersFileOf(options.node);

  edit(tree, contracts, (source) => `${source.trimEnd()}\n${contractOf(options)}`);
  edit(tree, contractsIndex, (source) =>
    addNamedExport(contractsIndex, source, `./${options.node}`, options.contractConst),
  );
  edit(tree, handlers, (source) =>
    appendClassMember(
      handlers,
      addNamedImport(handlers, source, '@trellis/contracts', options.contractConst),
      options.handlersClass,
      handlerMethodOf(options),
    ),
  );
  let test: string;
  if (options.policy === 'exactly-once') {
    test = exactlyOnceTestPath(options);
    tree.write(test, exactlyOnceTestOf(options));
  } else {
    test = handlersSpecOf(options.node);
    edit(tree, test, (source) => `${source.trimEnd()}\n${unitTestOf(options)}`);
  }
  await formatFiles(tree);

  // The bundle scales the node on its interfaces' queues, so a new interface changes the rendered bundle.
  return renderBundleThen(tree.root, [
    `write ${options.handlersClass}.${options.verb} in ${handlers}, the schemas in ${contracts}`,
    `then make ${test} pass`,
  ]);
}

export default interfaceGenerator;
