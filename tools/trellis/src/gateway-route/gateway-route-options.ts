// The gateway-route generator's options, checked against the contracts and the gateway before anything is written.
import type { Tree } from '@nx/devkit';
import type { ContractDeclaration } from '../contract-declarations';
import { contractDeclarationOf } from '../contract-declarations';
import { interfaceNamePattern, interfaceNames } from '../names';
import { hasFunction, registeredRoutesOf } from '../source-edits';
import { exportedContractNames, typeScriptFilesUnder } from '../workspace-files';
import { apiModuleFileOf, apiModuleNamesOf, apiModulesFile, gatewaySources } from './gateway-files';

/** What `nx g @trellis/plugin:gateway-route` receives. */
export interface GatewayRouteGeneratorSchema {
  name: string;
  method: string;
  path: string;
}

/** The HTTP methods a generated route can have. */
export const httpMethods = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** The options once checked. */
export interface GatewayRouteOptions {
  readonly contract: ContractDeclaration;
  readonly family: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** The path's `:name` segments, in order: request fields taken from the path. */
  readonly pathParameters: readonly string[];
  /** The family's API module, and the names it declares. */
  readonly apiModuleFile: string;
  readonly names: ReturnType<typeof apiModuleNamesOf>;
  /**
   * Whether the gateway must send the calls to the key's owner on the family's ring: a by-key interface of a node
   * family that keeps a dataset on a ring (its app depends on @trellis/ring).
   */
  readonly servedByRing: boolean;
}

/** `/v1/` then segments of lower-case words and dashes, or `:parameter`s; no trailing slash. */
const pathPattern = /^\/v1(\/([a-z0-9][a-z0-9-]*|:[a-z][a-zA-Z0-9]*))+$/;

/** The path's shape, parameter names left out: Fastify cannot tell `/a/:id` from `/a/:key`. */
function shapeOf(path: string): string {
  return path.replace(/:[^/]+/g, ':');
}

function isHttpMethod(value: string): value is HttpMethod {
  return (httpMethods as readonly string[]).includes(value);
}

/** Every route the gateway's sources register, as `METHOD path`. */
function takenRoutes(tree: Tree): { method: string; path: string; file: string }[] {
  return typeScriptFilesUnder(tree, gatewaySources)
    .filter((file) => !file.endsWith('.spec.ts'))
    .flatMap((file) =>
      registeredRoutesOf(file, tree.read(file, 'utf-8') ?? '').map((route) => ({ ...route, file })),
    );
}

/** Whether the app of node family `family` joins a ring (it depends on @trellis/ring). */
function joinsARing(tree: Tree, family: string): boolean {
  const manifest = tree.read(`apps/${family}/package.json`, 'utf-8');
  if (manifest === null) return false;
  const { dependencies = {} } = JSON.parse(manifest) as { dependencies?: Record<string, string> };
  return '@trellis/ring' in dependencies;
}

/**
 * The checked options, or an error listing every problem: an interface that is not declared (or not exported) in
 * the contracts, a method other than GET, POST, PUT, DELETE, a path that is not `/v1/…` or whose parameters are
 * not fields of the request, a method and path the gateway already serves, a message (one-way) interface on
 * anything but POST, or an API module of the family without its register function.
 */
export function checkGatewayRouteOptions(
  tree: Tree,
  schema: GatewayRouteGeneratorSchema,
): GatewayRouteOptions {
  const problems: string[] = [];
  const { name, path } = schema;
  const method = (schema.method ?? '').toUpperCase();
  if (!tree.exists(apiModulesFile))
    problems.push(`the gateway has no list of API modules (${apiModulesFile})`);

  let contract: ContractDeclaration | undefined;
  if (!interfaceNamePattern.test(name)) {
    problems.push(`name "${name}" must be an interface, family.verb, e.g. cart.get`);
  } else {
    contract = contractDeclarationOf(tree, name);
    if (contract === undefined) {
      problems.push(
        `interface ${name} does not exist in libs/contracts/src: add it first with ` +
          `nx g @trellis/plugin:interface ${interfaceNames(name).family} ${name} --policy=…`,
      );
    } else if (!exportedContractNames(tree).has(contract.constName)) {
      problems.push(`${contract.constName} (${name}) is not exported from libs/contracts/src/index.ts`);
    }
  }

  if (!isHttpMethod(method))
    problems.push(`method "${schema.method}" must be one of ${httpMethods.join(', ')}`);

  const pathParameters = [...(path ?? '').matchAll(/:([a-zA-Z0-9]+)/g)].map((match) => match[1] ?? '');
  if (!pathPattern.test(path ?? '')) {
    problems.push(
      `path "${path}" must start with /v1/ and hold lower-case words, dashes and :parameters, e.g. ` +
        `/v1/inventory/items/:id (no trailing slash)`,
    );
  } else {
    const repeated = pathParameters.filter((parameter, index) => pathParameters.indexOf(parameter) !== index);
    if (repeated.length > 0) problems.push(`path "${path}" repeats :${repeated.join(', :')}`);
    const fields = contract?.requestFields;
    const unknown =
      fields === undefined ? [] : pathParameters.filter((parameter) => !fields.includes(parameter));
    if (contract !== undefined && unknown.length > 0) {
      problems.push(
        `path "${path}": ${unknown.map((parameter) => `:${parameter}`).join(', ')} must be fields of ` +
          `${name}'s request (${(fields ?? []).join(', ')})`,
      );
    }
    const taken = takenRoutes(tree).find(
      (route) => route.method === method && shapeOf(route.path) === shapeOf(path),
    );
    if (taken !== undefined) problems.push(`${method} ${taken.path} is taken (${taken.file})`);
  }

  if (contract?.kind === 'message' && (method !== 'POST' || pathParameters.length > 0)) {
    problems.push(
      `${name} is a one-way message: expose it as POST with the message as the body (no path parameters), ` +
        `answered 202 once the bus took it`,
    );
  }

  const family = interfaceNames(name).family;
  const apiModuleFile = apiModuleFileOf(family);
  const names = apiModuleNamesOf(family);
  const moduleSource = tree.read(apiModuleFile, 'utf-8');
  if (moduleSource !== null && !hasFunction(apiModuleFile, moduleSource, names.registerFunction)) {
    problems.push(
      `${apiModuleFile} exists but has no function ${names.registerFunction} to add the route to`,
    );
  }

  if (problems.length > 0 || contract === undefined || !isHttpMethod(method)) {
    throw new Error(
      `Cannot add route ${schema.method} ${path} for ${name}; nothing was written:\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
  }
  return {
    contract,
    family,
    method,
    path,
    pathParameters,
    apiModuleFile,
    names,
    servedByRing: contract.byKey && joinsARing(tree, family),
  };
}
