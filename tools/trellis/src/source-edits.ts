// Edits of TypeScript sources by their syntax tree, so an edit lands in the right statement whatever the
// formatting; prettier (formatFiles) lays the result out afterwards.
import ts from 'typescript';

function parse(path: string, source: string): ts.SourceFile {
  return ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true);
}

function moduleOf(statement: ts.ImportDeclaration | ts.ExportDeclaration): string | undefined {
  const specifier = statement.moduleSpecifier;
  return specifier !== undefined && ts.isStringLiteral(specifier) ? specifier.text : undefined;
}

function withName(names: readonly string[], name: string): string[] {
  return [...new Set([...names, name])].sort((a, b) => a.localeCompare(b));
}

function replaceSpan(source: string, node: ts.Node, file: ts.SourceFile, text: string): string {
  return source.slice(0, node.getStart(file)) + text + source.slice(node.getEnd());
}

/**
 * Adds `name` to the value export `export { … } from 'from'`, or appends that statement when there is none.
 */
export function addNamedExport(path: string, source: string, from: string, name: string): string {
  const file = parse(path, source);
  for (const statement of file.statements) {
    if (!ts.isExportDeclaration(statement) || statement.isTypeOnly || moduleOf(statement) !== from) continue;
    const clause = statement.exportClause;
    if (clause === undefined || !ts.isNamedExports(clause)) continue;
    const names = withName(
      clause.elements.map((element) => element.getText(file)),
      name,
    );
    return replaceSpan(source, statement, file, `export { ${names.join(', ')} } from '${from}';`);
  }
  return `${source.trimEnd()}\nexport { ${name} } from '${from}';\n`;
}

/**
 * Adds `name` to the import `import { … } from 'from'` (`import type { … }` with `typeOnly`), or adds that
 * import after the last one.
 */
export function addNamedImport(
  path: string,
  source: string,
  from: string,
  name: string,
  { typeOnly = false }: { typeOnly?: boolean } = {},
): string {
  const file = parse(path, source);
  const imports = file.statements.filter(ts.isImportDeclaration);
  const keyword = typeOnly ? 'import type' : 'import';
  for (const statement of imports) {
    const clause = statement.importClause;
    if (clause === undefined || clause.isTypeOnly !== typeOnly || moduleOf(statement) !== from) continue;
    const bindings = clause.namedBindings;
    if (bindings === undefined || !ts.isNamedImports(bindings)) continue;
    const names = withName(
      bindings.elements.map((element) => element.getText(file)),
      name,
    );
    return replaceSpan(source, statement, file, `${keyword} { ${names.join(', ')} } from '${from}';`);
  }
  const last = imports.at(-1);
  const at = last === undefined ? 0 : last.getEnd();
  return `${source.slice(0, at)}\n${keyword} { ${name} } from '${from}';${source.slice(at)}`;
}

/** The class `className` of the source, or undefined. */
function classNamed(file: ts.SourceFile, className: string): ts.ClassDeclaration | undefined {
  return file.statements.find(
    (statement): statement is ts.ClassDeclaration =>
      ts.isClassDeclaration(statement) && statement.name?.text === className,
  );
}

/** The names of the methods of `className`, or undefined when the source has no such class. */
export function methodNamesOf(path: string, source: string, className: string): string[] | undefined {
  const declaration = classNamed(parse(path, source), className);
  if (declaration === undefined) return undefined;
  return declaration.members.flatMap((member) =>
    ts.isMethodDeclaration(member) && ts.isIdentifier(member.name) ? [member.name.text] : [],
  );
}

/** Inserts `member` (a method's text) as the last member of `className`; throws when there is no such class. */
export function appendClassMember(path: string, source: string, className: string, member: string): string {
  const file = parse(path, source);
  const declaration = classNamed(file, className);
  if (declaration === undefined) throw new Error(`${path} has no class ${className}`);
  const closingBrace = declaration.getEnd() - 1;
  return `${source.slice(0, closingBrace).trimEnd()}\n\n${member}\n${source.slice(closingBrace)}`;
}

/** The function declaration `functionName` of the file, or undefined. */
function functionNamed(file: ts.SourceFile, functionName: string): ts.FunctionDeclaration | undefined {
  return file.statements.find(
    (statement): statement is ts.FunctionDeclaration =>
      ts.isFunctionDeclaration(statement) && statement.name?.text === functionName,
  );
}

/** Whether the source declares a function `functionName` with a body. */
export function hasFunction(path: string, source: string, functionName: string): boolean {
  return functionNamed(parse(path, source), functionName)?.body !== undefined;
}

/** Inserts `statement` as the last statement of function `functionName`; throws when there is none. */
export function appendToFunctionBody(
  path: string,
  source: string,
  functionName: string,
  statement: string,
): string {
  const body = functionNamed(parse(path, source), functionName)?.body;
  if (body === undefined) throw new Error(`${path} has no function ${functionName}`);
  const closingBrace = body.getEnd() - 1;
  return `${source.slice(0, closingBrace).trimEnd()}\n\n${statement}\n${source.slice(closingBrace)}`;
}

/** The initializer of the top-level `const variableName = …`, or undefined. */
function initializerOf(file: ts.SourceFile, variableName: string): ts.Expression | undefined {
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === variableName) {
        return declaration.initializer;
      }
    }
  }
  return undefined;
}

/** The element texts of the array literal `const variableName = [ … ]`, or undefined when there is none. */
export function arrayElementsOf(path: string, source: string, variableName: string): string[] | undefined {
  const file = parse(path, source);
  const array = initializerOf(file, variableName);
  if (array === undefined || !ts.isArrayLiteralExpression(array)) return undefined;
  return array.elements.map((element) => element.getText(file));
}

/** Appends `element` to the array literal `const variableName = [ … ]`; throws when there is none. */
export function appendArrayElement(
  path: string,
  source: string,
  variableName: string,
  element: string,
): string {
  const file = parse(path, source);
  const array = initializerOf(file, variableName);
  if (array === undefined || !ts.isArrayLiteralExpression(array)) {
    throw new Error(`${path} has no array ${variableName}`);
  }
  const last = array.elements.at(-1);
  if (last === undefined) return replaceSpan(source, array, file, `[${element}]`);
  return `${source.slice(0, last.getEnd())}, ${element}${source.slice(last.getEnd())}`;
}

/** The object literal `const variableName = { … }` (through `as`/`satisfies`), or undefined. */
function objectLiteralOf(file: ts.SourceFile, variableName: string): ts.ObjectLiteralExpression | undefined {
  let expression = initializerOf(file, variableName);
  while (
    expression !== undefined &&
    (ts.isAsExpression(expression) ||
      ts.isSatisfiesExpression(expression) ||
      ts.isParenthesizedExpression(expression))
  ) {
    expression = expression.expression;
  }
  return expression !== undefined && ts.isObjectLiteralExpression(expression) ? expression : undefined;
}

/** The property names of the object literal `const variableName = { … }`, or undefined when there is none. */
export function objectKeysOf(path: string, source: string, variableName: string): string[] | undefined {
  const literal = objectLiteralOf(parse(path, source), variableName);
  if (literal === undefined) return undefined;
  return literal.properties.flatMap((property) =>
    property.name !== undefined && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
      ? [property.name.text]
      : [],
  );
}

/** Adds `key: value` (value as source text) to the object literal `const variableName = { … }`. */
export function addObjectProperty(
  path: string,
  source: string,
  variableName: string,
  key: string,
  value: string,
): string {
  const file = parse(path, source);
  const literal = objectLiteralOf(file, variableName);
  if (literal === undefined) throw new Error(`${path} has no object literal ${variableName}`);
  const last = literal.properties.at(-1);
  if (last === undefined) return replaceSpan(source, literal, file, `{ ${key}: ${value} }`);
  return `${source.slice(0, last.getEnd())}, ${key}: ${value}${source.slice(last.getEnd())}`;
}

/**
 * Inserts `statement` after the last expression statement that calls a function whose name matches
 * `calleeName` with the identifier `firstArgument` first (anywhere in the file, e.g. inside a plugin's
 * callback); throws when there is none.
 */
export function insertAfterLastCallOf(
  path: string,
  source: string,
  calleeName: RegExp,
  firstArgument: string,
  statement: string,
): string {
  const file = parse(path, source);
  let last: ts.ExpressionStatement | undefined;
  const visit = (node: ts.Node): void => {
    if (
      ts.isExpressionStatement(node) &&
      ts.isCallExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      calleeName.test(node.expression.expression.text) &&
      node.expression.arguments[0] !== undefined &&
      ts.isIdentifier(node.expression.arguments[0]) &&
      node.expression.arguments[0].text === firstArgument
    ) {
      last = node;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (last === undefined) throw new Error(`${path} has no call of ${String(calleeName)}`);
  return `${source.slice(0, last.getEnd())}\n${statement}${source.slice(last.getEnd())}`;
}

/** The HTTP routes `app.get('/path', …)` (get, post, put, delete, patch) a source registers, path as written. */
export function registeredRoutesOf(path: string, source: string): { method: string; path: string }[] {
  const file = parse(path, source);
  const routes: { method: string; path: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const [first] = node.arguments;
      if (
        ['get', 'post', 'put', 'delete', 'patch'].includes(method) &&
        first !== undefined &&
        ts.isStringLiteralLike(first)
      ) {
        routes.push({ method: method.toUpperCase(), path: first.text });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return routes;
}
