// `nx g @trellis/plugin:gateway-route <family.verb> --method=GET|POST|PUT|DELETE --path=/v1/…`: one interface as a
// REST route on the gateway, with its OpenAPI entry, and the gateway's readiness waiting on the interface.
import type { GeneratorCallback, Tree } from '@nx/devkit';
import { formatFiles, logger } from '@nx/devkit';
import {
  addNamedImport,
  addObjectProperty,
  appendArrayElement,
  appendToFunctionBody,
  arrayElementsOf,
  objectKeysOf,
} from '../source-edits';
import { apiModulesFile, routeSchemasFile } from './gateway-files';
import { apiModuleOf, routeImports, routeSchemasModule, routeStatement } from './gateway-route-files';
import type { GatewayRouteGeneratorSchema, GatewayRouteOptions } from './gateway-route-options';
import { checkGatewayRouteOptions } from './gateway-route-options';

function edit(tree: Tree, path: string, change: (source: string) => string): void {
  const source = tree.read(path, 'utf-8');
  if (source === null) throw new Error(`${path} is missing`);
  tree.write(path, change(source));
}

/** Adds the route to the family's existing API module: its imports, the route, the interface, the ring. */
function addToApiModule(tree: Tree, options: GatewayRouteOptions): void {
  const file = options.apiModuleFile;
  const imports = routeImports(options);
  const { constName } = options.contract;
  edit(tree, file, (source) => {
    let edited = source;
    for (const [from, names] of Object.entries(imports.values)) {
      for (const name of names) edited = addNamedImport(file, edited, from, name);
    }
    for (const [from, names] of Object.entries(imports.types)) {
      for (const name of names) edited = addNamedImport(file, edited, from, name, { typeOnly: true });
    }
    if (!arrayElementsOf(file, edited, options.names.calledInterfaces)?.includes(constName)) {
      edited = appendArrayElement(file, edited, options.names.calledInterfaces, constName);
    }
    if (
      options.servedByRing &&
      !objectKeysOf(file, edited, options.names.servingFamilies)?.includes(options.family)
    ) {
      edited = addObjectProperty(
        file,
        edited,
        options.names.servingFamilies,
        options.family,
        `'${options.family}'`,
      );
    }
    return appendToFunctionBody(file, edited, options.names.registerFunction, routeStatement(options));
  });
}

/**
 * Exposes the interface as a REST route, in the family's API module (`apps/gateway/src/<family>/<family>-api.ts`,
 * created and added to api-modules.ts for the family's first route): the contract's schemas are the route's, so
 * the OpenAPI document at /docs lists it; the contract joins the interfaces the gateway calls (its readiness and
 * cluster view); a by-key interface of a family on a ring is routed to the key's owner. Checks every option first
 * and writes nothing when one is wrong. Errors need no edit: problem.ts maps a code it does not list by the status
 * its catalogue gives it (a 5xx without its message).
 */
export async function gatewayRouteGenerator(
  tree: Tree,
  schema: GatewayRouteGeneratorSchema,
): Promise<GeneratorCallback> {
  const options = checkGatewayRouteOptions(tree, schema);
  if (!tree.exists(routeSchemasFile)) tree.write(routeSchemasFile, routeSchemasModule);
  if (tree.exists(options.apiModuleFile)) {
    addToApiModule(tree, options);
  } else {
    tree.write(options.apiModuleFile, apiModuleOf(options));
    edit(tree, apiModulesFile, (source) =>
      appendArrayElement(
        apiModulesFile,
        addNamedImport(
          apiModulesFile,
          source,
          `./${options.family}/${options.family}-api`,
          options.names.api,
        ),
        'apiModules',
        options.names.api,
      ),
    );
  }
  await formatFiles(tree);

  return () => {
    logger.info(
      [
        'Next:',
        `  the gateway's readiness now waits for a node serving ${options.contract.interfaceName}`,
        `  open /docs on a running gateway: ${options.method} ${options.path} is listed with the contract's schemas`,
      ].join('\n'),
    );
  };
}

export default gatewayRouteGenerator;
