// The links npm install makes for the workspace's own packages (node_modules/@scope/name → the package's
// folder), remade after a rename or a removal so that the checks run at once; `npm install` afterwards finds
// them as it would have made them.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  rmdirSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The folders the root package.json's `workspaces` globs (`libs/*`, …) name, holding a package.json. */
export function workspacePackageFolders(root: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf-8')) as { workspaces?: string[] };
  const folders: string[] = [];
  for (const pattern of manifest.workspaces ?? []) {
    if (!pattern.endsWith('/*')) continue;
    const parent = pattern.slice(0, -2);
    if (!existsSync(join(root, parent))) continue;
    for (const entry of readdirSync(join(root, parent)).sort()) {
      if (existsSync(join(root, parent, entry, 'package.json'))) folders.push(`${parent}/${entry}`);
    }
  }
  return folders;
}

/** Removes the links under node_modules/@`scope` (never a real installed package) and the folder if empty. */
export function unlinkScope(root: string, scope: string): void {
  const folder = join(root, 'node_modules', `@${scope}`);
  if (!existsSync(folder)) return;
  for (const entry of readdirSync(folder)) {
    if (lstatSync(join(folder, entry)).isSymbolicLink()) rmSync(join(folder, entry));
  }
  if (readdirSync(folder).length === 0) rmdirSync(folder);
}

/** Links every workspace package into node_modules under its package name. */
export function linkWorkspacePackages(root: string): void {
  for (const folder of workspacePackageFolders(root)) {
    const { name } = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf-8')) as {
      name: string;
    };
    const link = join(root, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    if (existsSync(link) || isDanglingLink(link)) {
      if (!lstatSync(link).isSymbolicLink()) continue;
      rmSync(link);
    }
    symlinkSync(relative(dirname(link), join(root, folder)), link);
  }
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
