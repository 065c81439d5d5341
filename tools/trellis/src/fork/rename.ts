// Renames a fork: its npm scope and its product name, in every text file and path of the workspace.
//
// Every occurrence of the current names is rewritten (a fork that keeps a `trellis` somewhere would keep
// someone else's name in its images, namespaces or metrics), each in the spelling of its place. The kinds found
// with `git grep -n -i <product>` when this was written, and how each is rewritten:
//
// | kind                                                                      | example (before)                            | form        |
// | ------------------------------------------------------------------------- | ------------------------------------------- | ----------- |
// | package names, imports, tsconfig paths, lint rules, the lockfile          | `@trellis/bus`, `node_modules/@trellis/bus`  | scope       |
// | the source condition of tsconfig, vitest and tsx                          | `@trellis/source`                           | scope       |
// | the Nx plugin's generators and its folder                                 | `@trellis/plugin:node`, `tools/trellis`     | scope/kebab |
// | the root package name, compose project, README and doc titles             | `"name": "trellis"`, `# Trellis`            | kebab/title |
// | the OpenAPI title                                                         | `Trellis API`                               | title       |
// | Kubernetes namespace, `app.kubernetes.io/part-of`, secret and user names  | `namespace: trellis`, `trellis-cart-broker` | kebab       |
// | node-affinity and fixture label keys (a domain of the product's own)      | `trellis.dev/node-class`                    | kebab       |
// | image names                                                               | `ghcr.io/trellis-platform/trellis-node`     | kebab       |
// | bus exchange prefix and data prefix defaults, queue names in tests        | `BUS_PREFIX=trellis`, `trellis.orders.place`| kebab       |
// | problem+json type base URL, media type, hosts                             | `https://trellis.dev/problems/`             | kebab       |
// | message headers and metric names                                          | `trellis.attempt`, `trellis.bus.handled`    | kebab       |
// | Postgres database, user and the bus's tables; test schema names           | `trellis_bus_inbox`, `trellis_test_…`       | snake       |
// | shell variables                                                           | `trellis_node_dir`                          | snake       |
// | environment variables                                                     | `TRELLIS_TEST_VERBOSE`                      | upperSnake  |
// | class and type names                                                      | `TrellisError`, `TrellisNode`               | pascal      |
// | variable names                                                            | `trellisError`                              | camel       |
//
// One pass over each file with one regular expression, so a name just written is never rewritten again (a
// product called like the old scope stays put). Where the old name has one word its forms coincide (`trellis`
// is kebab, snake and camel alike): the characters around it decide, as the table says.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  writeFileSync,
  readdirSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

import { nameForms } from './name-forms';
import type { NameForms } from './name-forms';
import { linkWorkspacePackages, unlinkScope } from './workspace-links';
import { workspaceTextFiles } from './workspace-text-files';

/** The scope and product a workspace is named with now. */
export interface WorkspaceNames {
  readonly scope: string;
  readonly product: string;
}

/**
 * The current names: the product is the root package's name, the scope that of the contracts package (every
 * node imports it, so it is there in any fork).
 */
export function currentNames(root: string): WorkspaceNames {
  const read = (path: string) =>
    (JSON.parse(readFileSync(join(root, path), 'utf-8')) as { name: string }).name;
  const contracts = /^@([^/]+)\//.exec(read('libs/contracts/package.json'));
  if (contracts?.[1] === undefined)
    throw new Error('libs/contracts/package.json has no scoped name (@scope/contracts)');
  return { scope: contracts[1], product: read('package.json') };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rewrites the names in one text; exported for its unit test. */
export function renamer(from: WorkspaceNames, to: WorkspaceNames): (text: string) => string {
  const old = nameForms(from.product);
  const next = nameForms(to.product);
  const spellings: string[] = [...new Set<string>(Object.values(old))].sort((a, b) => b.length - a.length);
  // The scope first: `@trellis/bus` is the scope even where the product is spelled the same.
  const scopePattern = `@${escapeRegex(from.scope)}(?![a-z0-9._~-])`;
  const pattern = new RegExp(`${scopePattern}|${spellings.map(escapeRegex).join('|')}`, 'g');
  return (text) =>
    text.replace(pattern, (match: string, offset: number) => {
      if (match.startsWith('@')) return `@${to.scope}`;
      return next[formOf(match, old, text.charAt(offset - 1), text.charAt(offset + match.length))];
    });
}

/** Which form a match of the old product is, from its own spelling and the characters either side. */
function formOf(match: string, old: NameForms, before: string, after: string): keyof NameForms {
  const ambiguous = (Object.keys(old) as Array<keyof NameForms>).filter((form) => old[form] === match);
  if (ambiguous.length === 1 && ambiguous[0] !== undefined) return ambiguous[0];
  if (/^[A-Z]/.test(match)) return /[A-Za-z0-9]/.test(after) ? 'pascal' : 'title';
  if (before === '_' || after === '_') return 'snake';
  if (/[A-Z]/.test(after)) return 'camel';
  return 'kebab';
}

/** What a rename changed. */
export interface RenameReport {
  readonly from: WorkspaceNames;
  readonly to: WorkspaceNames;
  readonly filesChanged: number;
  readonly pathsMoved: readonly string[];
  /** Files that still spell the old product (none, unless the new names contain the old ones). */
  readonly leftovers: readonly string[];
}

/** Renames the workspace at `root` to `to`: file contents, then paths, then the workspace package links. */
export function renameWorkspace(root: string, to: WorkspaceNames): RenameReport {
  const from = currentNames(root);
  const rename = renamer(from, to);
  let filesChanged = 0;
  for (const file of workspaceTextFiles(root)) {
    const text = readFileSync(join(root, file), 'utf-8');
    const renamed = rename(text);
    if (renamed !== text) {
      writeFileSync(join(root, file), renamed);
      filesChanged += 1;
    }
  }
  const pathsMoved = movePaths(root, rename);
  unlinkScope(root, from.scope);
  linkWorkspacePackages(root);
  const leftoverPattern = new RegExp(
    [...new Set(Object.values(nameForms(from.product)))].map(escapeRegex).join('|'),
    'i',
  );
  const newNamesContainOld = leftoverPattern.test(`${to.scope} ${to.product}`);
  const leftovers = newNamesContainOld
    ? []
    : workspaceTextFiles(root).filter((file) =>
        leftoverPattern.test(readFileSync(join(root, file), 'utf-8')),
      );
  return { from, to, filesChanged, pathsMoved, leftovers };
}

/** Moves every file whose path spells an old name (`tools/trellis/…`), deepest names first. */
function movePaths(root: string, rename: (text: string) => string): string[] {
  const moved: string[] = [];
  for (const file of workspaceTextFiles(root)) {
    const target = rename(file);
    if (target === file) continue;
    mkdirSync(dirname(join(root, target)), { recursive: true });
    renameSync(join(root, file), join(root, target));
    moved.push(`${file} → ${target}`);
    removeEmptyFolders(root, dirname(file));
  }
  return moved;
}

function removeEmptyFolders(root: string, folder: string): void {
  let current = folder;
  while (current !== '.' && current !== '' && existsSync(join(root, current))) {
    if (readdirSync(join(root, current)).length > 0) return;
    rmdirSync(join(root, current));
    current = dirname(current);
  }
}
