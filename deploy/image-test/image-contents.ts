// Checks what scripts/assemble-image.sh puts into the image, run without a container engine: only the
// runtime workspaces' manifests, compiled code and migrations, the blueprint and the root manifests, and a
// lockfile that holds production dependencies only.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)));
}

/** What the assembled folder holds, for the test's report. */
export interface ImageContents {
  readonly files: number;
  readonly workspaces: readonly string[];
  readonly lockedPackages: number;
}

/**
 * Checks the folder `out` that scripts/assemble-image.sh filled from the repository at `root`.
 *
 * @throws Error listing every file that should not be there, every migration folder that is missing, and
 *   every lockfile entry that is a development dependency or a workspace the nodes do not use.
 */
export function checkImageContents(root: string, out: string): ImageContents {
  const manifest = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as { workspaces?: string[] };
  const workspaces = manifest.workspaces ?? [];
  const problems: string[] = [];

  const allowed = (file: string): boolean =>
    ['package.json', 'package-lock.json', 'deploy/blueprint.yaml'].includes(file) ||
    workspaces.some(
      (workspace) =>
        file === `${workspace}/package.json` ||
        (file.startsWith(`${workspace}/dist/`) && /\.js(\.map)?$/.test(file)) ||
        (file.startsWith(`${workspace}/migrations/`) && file.endsWith('.sql')),
    );
  const files = filesUnder(out);
  for (const file of files.filter((candidate) => !allowed(candidate)))
    problems.push(`unexpected file ${file}`);

  for (const workspace of workspaces) {
    if (!existsSync(join(out, workspace, 'dist'))) problems.push(`${workspace}/dist is missing`);
    if (existsSync(join(root, workspace, 'migrations')) && !existsSync(join(out, workspace, 'migrations'))) {
      problems.push(`${workspace}/migrations is missing (the node migrates its schema from it at start)`);
    }
  }
  for (const unused of ['libs/testing', 'libs/supervisor']) {
    if (workspaces.includes(unused)) problems.push(`${unused} is a workspace of the image`);
  }

  const lock = JSON.parse(readFileSync(join(out, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (entry.dev === true || entry.devOptional === true)
      problems.push(`the lockfile keeps development package ${path}`);
    if (/(^|\/)libs\/(testing|supervisor)$|@trellis\/(testing|supervisor)$/.test(path)) {
      problems.push(`the lockfile keeps ${path}`);
    }
  }

  if (problems.length > 0) throw new Error(`the image contents are wrong:\n  ${problems.join('\n  ')}`);
  return { files: files.length, workspaces, lockedPackages: Object.keys(lock.packages).length - 1 };
}
