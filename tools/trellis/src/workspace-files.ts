// Where the files the generators read and edit live in the workspace, and what they already declare.
import type { Tree } from '@nx/devkit';

/** The contracts' public index, which exports every contract by name. */
export const contractsIndex = 'libs/contracts/src/index.ts';

/** The contracts file of a generated node family. */
export function contractsFileOf(family: string): string {
  return `libs/contracts/src/${family}.ts`;
}

/** The handlers file of a generated node family. */
export function handlersFileOf(family: string): string {
  return `apps/${family}/src/${family}.handlers.ts`;
}

/** The handlers' unit test of a generated node family. */
export function handlersSpecOf(family: string): string {
  return `apps/${family}/src/${family}.handlers.spec.ts`;
}

/** The Nest module of a generated node family. */
export function moduleFileOf(family: string): string {
  return `apps/${family}/src/${family}.module.ts`;
}

/** Every `.ts` file under `folder` in the tree. */
export function typeScriptFilesUnder(tree: Tree, folder: string): string[] {
  if (!tree.exists(folder)) return [];
  return tree.children(folder).flatMap((child) => {
    const path = `${folder}/${child}`;
    if (tree.isFile(path)) return path.endsWith('.ts') ? [path] : [];
    return typeScriptFilesUnder(tree, path);
  });
}

/**
 * Every interface name declared in the contracts (`name: 'catalog.get'`), read from the source: the generators
 * run inside Nx and must not load the workspace's code.
 */
export function declaredInterfaceNames(tree: Tree): string[] {
  const names: string[] = [];
  for (const path of typeScriptFilesUnder(tree, 'libs/contracts/src')) {
    if (path.endsWith('.spec.ts')) continue;
    const source = tree.read(path, 'utf-8') ?? '';
    for (const match of source.matchAll(/\bname:\s*'([a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*)'/g)) {
      if (match[1] !== undefined) names.push(match[1]);
    }
  }
  return names;
}

/** The names the contracts' index exports (values and types). */
export function exportedContractNames(tree: Tree): Set<string> {
  const source = tree.read(contractsIndex, 'utf-8') ?? '';
  const names = new Set<string>();
  for (const block of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const entry of (block[1] ?? '').split(',')) {
      const name = entry
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.add(name);
    }
  }
  return names;
}
