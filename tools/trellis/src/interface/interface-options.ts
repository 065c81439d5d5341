// The interface generator's options, checked against the workspace before anything is written.
import type { Tree } from '@nx/devkit';
import { deliveryPoliciesText, isDeliveryPolicy, isRoute, routes } from './policies';
import type { DeliveryPolicy, Route } from './policies';
import { interfaceNamePattern, interfaceNames, pascalCase } from '../names';
import type { InterfaceNames } from '../names';
import { methodNamesOf } from '../source-edits';
import {
  contractsFileOf,
  declaredInterfaceNames,
  exportedContractNames,
  handlersFileOf,
  handlersSpecOf,
  moduleFileOf,
} from '../workspace-files';

/** What `nx g @trellis/plugin:interface` receives. */
export interface InterfaceGeneratorSchema {
  node: string;
  name: string;
  policy: string;
  route?: string;
}

/** The options once checked, with the names derived from them. */
export interface InterfaceOptions extends InterfaceNames {
  readonly node: string;
  readonly policy: DeliveryPolicy;
  readonly route: Route;
  /** The node's handlers class. */
  readonly handlersClass: string;
}

/** The problems of the node: it must exist and have the layout the node generator makes. */
function nodeProblems(tree: Tree, node: string): string[] {
  if (!tree.exists(`apps/${node}`)) return [`node "${node}" does not exist (no apps/${node})`];
  const missing = [
    contractsFileOf(node),
    handlersFileOf(node),
    handlersSpecOf(node),
    moduleFileOf(node),
  ].filter((path) => !tree.exists(path));
  if (missing.length === 0) return [];
  return [
    `node "${node}" does not have the layout of a generated node (missing ${missing.join(', ')}); ` +
      `add the interface by hand there, following apps/${node}'s other interfaces`,
  ];
}

/**
 * The checked options, or an error listing every problem: an unknown node, a name that is not
 * `<node>.<verb>` in camelCase or is taken (interface, contract constant or handler method), an unknown policy
 * or route, exactly-once on a node without a database for its inbox.
 */
export function checkInterfaceOptions(tree: Tree, schema: InterfaceGeneratorSchema): InterfaceOptions {
  const problems: string[] = [];
  const { node, name } = schema;
  const route = schema.route ?? 'any';
  if (!isDeliveryPolicy(schema.policy)) {
    problems.push(`policy "${schema.policy}" must be one of ${deliveryPoliciesText}`);
  }
  if (!isRoute(route)) problems.push(`route "${route}" must be one of ${routes.join(', ')}`);
  const nodeIsUsable = nodeProblems(tree, node);
  problems.push(...nodeIsUsable);

  const names = interfaceNamePattern.test(name) ? interfaceNames(name) : undefined;
  if (names === undefined) {
    problems.push(`name "${name}" must be family.verb in camelCase words, e.g. ${node}.reserveStock`);
  } else if (names.family !== node) {
    problems.push(
      `name "${name}" must start with "${node}.": an interface's family is the node family that handles it, and ` +
        `the bundle scales node ${node} on the queues of ${node}.* interfaces`,
    );
  } else if (nodeIsUsable.length === 0) {
    if (declaredInterfaceNames(tree).includes(name)) problems.push(`interface ${name} already exists`);
    if (exportedContractNames(tree).has(names.contractConst)) {
      problems.push(`the contracts already export a ${names.contractConst}`);
    }
    const handlers = handlersFileOf(node);
    const methods = methodNamesOf(
      handlers,
      tree.read(handlers, 'utf-8') ?? '',
      `${pascalCase(node)}Handlers`,
    );
    if (methods === undefined) problems.push(`${handlers} has no class ${pascalCase(node)}Handlers`);
    else if (methods.includes(names.verb)) problems.push(`${handlers} already has a method ${names.verb}`);
    if (
      schema.policy === 'exactly-once' &&
      !(tree.read(moduleFileOf(node), 'utf-8') ?? '').includes('exactlyOnce')
    ) {
      problems.push(
        `exactly-once needs the node's own database, where the bus keeps the inbox that commits with the ` +
          `handler's writes; ${moduleFileOf(node)} configures none (a logic node): put the interface on a ` +
          `service node, or choose at-least-once and make the handler idempotent`,
      );
    }
  }

  if (problems.length > 0 || names === undefined || !isDeliveryPolicy(schema.policy) || !isRoute(route)) {
    throw new Error(
      `Cannot add interface ${name} to ${node}; nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return { ...names, node, policy: schema.policy, route, handlersClass: `${pascalCase(node)}Handlers` };
}
