// Which workspaces go into the node image: every app, and the libraries they depend on at run time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a workspace's package.json the image assembly reads. */
export interface WorkspaceManifest {
  readonly name: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** One workspace: its folder relative to the repository root (`apps/cart`) and its package.json. */
export interface Workspace {
  readonly folder: string;
  readonly manifest: WorkspaceManifest;
}

function readManifest(root: string, folder: string): WorkspaceManifest {
  const parsed: unknown = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof (parsed as { name?: unknown }).name !== 'string'
  ) {
    throw new Error(`${folder}/package.json has no "name"`);
  }
  return parsed as WorkspaceManifest;
}

function workspacesUnder(root: string, parent: string): Workspace[] {
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${parent}/${entry.name}`)
    .filter((folder) => {
      try {
        readFileSync(join(root, folder, 'package.json'));
        return true;
      } catch {
        return false;
      }
    })
    .map((folder) => ({ folder, manifest: readManifest(root, folder) }));
}

/**
 * Every app under `apps/` and every lib under `libs/` that an app reaches through production
 * `dependencies` (directly or through another lib), in folder order. Libs only tests or the local runner use
 * (`@trellis/testing`, `@trellis/supervisor`) are left out, and with them their own dependencies.
 */
export function runtimeWorkspaces(root: string): Workspace[] {
  const apps = workspacesUnder(root, 'apps');
  const libs = new Map(workspacesUnder(root, 'libs').map((lib) => [lib.manifest.name, lib]));
  const needed = new Map<string, Workspace>();
  const pending = [...apps];
  // Bounded by the number of workspaces: each lib enters `needed` once.
  while (pending.length > 0) {
    const workspace = pending.pop();
    if (workspace === undefined || needed.has(workspace.manifest.name)) continue;
    needed.set(workspace.manifest.name, workspace);
    for (const dependency of Object.keys(workspace.manifest.dependencies ?? {})) {
      const lib = libs.get(dependency);
      if (lib !== undefined) pending.push(lib);
    }
  }
  return [...needed.values()].sort((a, b) => a.folder.localeCompare(b.folder));
}
