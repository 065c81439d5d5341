// An in-memory Nx tree seeded with the real workspace files the generators read and edit, for their unit tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

/** The repository this plugin lives in. */
export const repositoryRoot = resolve(__dirname, '../../../..');

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Files the generators read or edit, copied from the repository as they are now. */
function seedFiles(): string[] {
  return [
    ...filesUnder(join(repositoryRoot, 'libs/contracts/src')),
    ...['deploy/blueprint.yaml', 'deploy/blueprints/dev.yaml', 'deploy/blueprints/production.yaml'].map(
      (path) => join(repositoryRoot, path),
    ),
    // The gateway, whose API modules the route generator adds to (and whose routes it must not collide with).
    ...filesUnder(join(repositoryRoot, 'apps/gateway/src')).filter((path) => path.endsWith('.ts')),
  ];
}

/**
 * A node family written by hand, not by the node generator: its name is taken, and the interface generator
 * must refuse to edit it. A fixture, not one of the bookshop's apps, so that these tests hold in a fork that
 * removed the bookshop.
 */
export const handWrittenNode = 'ledger';

const handWrittenManifest = `${JSON.stringify(
  { name: `@trellis/${handWrittenNode}`, nx: { tags: ['node:service', 'type:app'] } },
  null,
  2,
)}\n`;

/**
 * A fresh in-memory workspace holding the seed files and the hand-written node's manifest; nothing written to
 * it reaches the disk.
 */
export function workspaceTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const path of seedFiles()) tree.write(relative(repositoryRoot, path), readFileSync(path, 'utf-8'));
  tree.write(`apps/${handWrittenNode}/package.json`, handWrittenManifest);
  return tree;
}

/** Every file of the tree with its content, to tell later what a generator changed. */
export function snapshotOf(tree: Tree): Map<string, string> {
  return new Map(tree.listChanges().map((change) => [change.path, change.content?.toString('utf-8') ?? '']));
}

/** What changed since `snapshot`, sorted: `CREATE path` for a new file, `UPDATE path` for an edited one. */
export function changesSince(tree: Tree, snapshot: ReadonlyMap<string, string>): string[] {
  return tree
    .listChanges()
    .filter((change) => snapshot.get(change.path) !== (change.content?.toString('utf-8') ?? ''))
    .map((change) => `${snapshot.has(change.path) ? 'UPDATE' : 'CREATE'} ${change.path}`)
    .sort();
}

/** The text of a file the test expects to exist. */
export function read(tree: Tree, path: string): string {
  const text = tree.read(path, 'utf-8');
  if (text === null) throw new Error(`expected ${path} in the tree`);
  return text;
}
