// What the contracts declare about one interface, read from their source by its syntax tree: the generators run
// inside Nx and must not load the workspace's code.
import type { Tree } from '@nx/devkit';
import ts from 'typescript';
import type { DeliveryPolicy } from './interface/policies';
import { isDeliveryPolicy } from './interface/policies';
import { typeScriptFilesUnder } from './workspace-files';

/** One `defineCall` or `defineMessage` declaration of the contracts. */
export interface ContractDeclaration {
  readonly interfaceName: string;
  /** The exported constant that holds the contract (`setCartItem`). */
  readonly constName: string;
  /** `call` (request and reply) or `message` (one way, emitted). */
  readonly kind: 'call' | 'message';
  readonly policy: DeliveryPolicy;
  readonly byKey: boolean;
  /**
   * The request's field names when the request is written as a `z.object({ … })` literal; undefined when it is
   * built some other way (the type-check then has the last word on path parameters).
   */
  readonly requestFields: readonly string[] | undefined;
  /** The file that declares it. */
  readonly file: string;
}

function propertyNamed(literal: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of literal.properties) {
    if (!property.name || !ts.isIdentifier(property.name) || property.name.text !== name) continue;
    if (ts.isPropertyAssignment(property)) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property)) return property.name;
  }
  return undefined;
}

function stringOf(expression: ts.Expression | undefined): string | undefined {
  return expression !== undefined && ts.isStringLiteralLike(expression) ? expression.text : undefined;
}

/** The keys of `z.object({ … })`, or undefined for any other expression. */
function objectLiteralKeys(expression: ts.Expression | undefined): string[] | undefined {
  if (expression === undefined || !ts.isCallExpression(expression)) return undefined;
  const callee = expression.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'object') return undefined;
  const [shape] = expression.arguments;
  if (shape === undefined || !ts.isObjectLiteralExpression(shape)) return undefined;
  const keys: string[] = [];
  for (const property of shape.properties) {
    if (property.name === undefined) return undefined;
    if (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) keys.push(property.name.text);
    else return undefined;
  }
  return keys;
}

function declarationsIn(path: string, source: string): ContractDeclaration[] {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true);
  const found: ContractDeclaration[] = [];
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer;
      if (!ts.isIdentifier(declaration.name) || init === undefined || !ts.isCallExpression(init)) continue;
      const callee = init.expression;
      if (!ts.isIdentifier(callee) || !['defineCall', 'defineMessage'].includes(callee.text)) continue;
      const [options] = init.arguments;
      if (options === undefined || !ts.isObjectLiteralExpression(options)) continue;
      const interfaceName = stringOf(propertyNamed(options, 'name'));
      const policy = stringOf(propertyNamed(options, 'policy'));
      if (interfaceName === undefined || policy === undefined || !isDeliveryPolicy(policy)) continue;
      const routing = propertyNamed(options, 'routing');
      found.push({
        interfaceName,
        constName: declaration.name.text,
        kind: callee.text === 'defineCall' ? 'call' : 'message',
        policy,
        byKey:
          routing !== undefined &&
          ts.isObjectLiteralExpression(routing) &&
          stringOf(propertyNamed(routing, 'kind')) === 'by-key',
        requestFields: objectLiteralKeys(propertyNamed(options, 'request')),
        file: path,
      });
    }
  }
  return found;
}

/** The declaration of `interfaceName` in libs/contracts/src, or undefined when none declares it. */
export function contractDeclarationOf(tree: Tree, interfaceName: string): ContractDeclaration | undefined {
  for (const path of typeScriptFilesUnder(tree, 'libs/contracts/src')) {
    if (path.endsWith('.spec.ts')) continue;
    const match = declarationsIn(path, tree.read(path, 'utf-8') ?? '').find(
      (declaration) => declaration.interfaceName === interfaceName,
    );
    if (match !== undefined) return match;
  }
  return undefined;
}
