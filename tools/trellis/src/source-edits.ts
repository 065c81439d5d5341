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

/** Adds `name` to the value import `import { … } from 'from'`, or adds that import after the last one. */
export function addNamedImport(path: string, source: string, from: string, name: string): string {
  const file = parse(path, source);
  const imports = file.statements.filter(ts.isImportDeclaration);
  for (const statement of imports) {
    const clause = statement.importClause;
    if (clause === undefined || clause.isTypeOnly || moduleOf(statement) !== from) continue;
    const bindings = clause.namedBindings;
    if (bindings === undefined || !ts.isNamedImports(bindings)) continue;
    const names = withName(
      bindings.elements.map((element) => element.getText(file)),
      name,
    );
    return replaceSpan(source, statement, file, `import { ${names.join(', ')} } from '${from}';`);
  }
  const last = imports.at(-1);
  const at = last === undefined ? 0 : last.getEnd();
  return `${source.slice(0, at)}\nimport { ${name} } from '${from}';${source.slice(at)}`;
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
