// Copies what the node image holds into an empty folder (scripts/assemble-image.sh runs it after the build):
// the root package.json listing only the runtime workspaces, each of those workspaces' package.json (without
// devDependencies), compiled dist/ and SQL migrations, the lockfile still to be pruned, and the blueprint.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { runtimeWorkspaces } from './runtime-workspaces';
import type { Workspace } from './runtime-workspaces';

/** Files of a dist/ folder that nothing reads at run time. */
const buildOnlyFiles = /(\.tsbuildinfo|\.d\.ts|\.d\.ts\.map)$/;

/** The root package.json fields the image keeps; scripts and devDependencies serve development only. */
const rootFields = ['name', 'version', 'private', 'description', 'license', 'engines'] as const;

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

function copyWorkspace(root: string, out: string, workspace: Workspace): void {
  const { devDependencies: _devOnly, ...manifest } = workspace.manifest;
  writeJson(join(out, workspace.folder, 'package.json'), manifest);

  const dist = join(root, workspace.folder, 'dist');
  if (!existsSync(dist)) throw new Error(`${workspace.folder} has no dist/: build it first`);
  cpSync(dist, join(out, workspace.folder, 'dist'), {
    recursive: true,
    filter: (source) => !buildOnlyFiles.test(source),
  });

  // Nodes migrate their schema at start from `<workspace>/migrations` (found from dist/ as `../migrations`).
  const migrations = join(root, workspace.folder, 'migrations');
  if (existsSync(migrations))
    cpSync(migrations, join(out, workspace.folder, 'migrations'), { recursive: true });
}

/** Assembles the image contents of the repository at `root` into `out`, which must be empty or absent. */
function assembleImage(root: string, out: string): Workspace[] {
  if (existsSync(out) && readdirSync(out).length > 0) {
    throw new Error(`${out} is not empty; give an empty or new folder`);
  }
  mkdirSync(out, { recursive: true });

  const workspaces = runtimeWorkspaces(root);
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  writeJson(join(out, 'package.json'), {
    ...Object.fromEntries(
      rootFields.filter((field) => field in rootManifest).map((f) => [f, rootManifest[f]]),
    ),
    workspaces: workspaces.map((workspace) => workspace.folder),
  });
  for (const workspace of workspaces) copyWorkspace(root, out, workspace);

  // The whole lockfile, which `npm install --package-lock-only` then prunes to the manifests above.
  cpSync(join(root, 'package-lock.json'), join(out, 'package-lock.json'));
  cpSync(join(root, 'deploy/blueprint.yaml'), join(out, 'deploy/blueprint.yaml'));
  return workspaces;
}

const [outArgument] = process.argv.slice(2);
if (outArgument === undefined) {
  process.stderr.write('usage: tsx deploy/image/assemble-image.ts <out-dir>\n');
  process.exit(2);
}
const root = resolve(__dirname, '../..');
const workspaces = assembleImage(root, resolve(outArgument));
process.stdout.write(`image contents: ${workspaces.map((workspace) => workspace.folder).join(' ')}\n`);
