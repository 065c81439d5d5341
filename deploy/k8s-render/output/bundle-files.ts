// Writes the rendered files, or compares them with what is on disk. The generated folders belong to the
// renderer: a file there that it no longer renders is stale too, and `write` removes it.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

import { GENERATED_FOLDERS } from '../bundle-layout';
import type { RenderedFile } from './yaml-file';

/** Every file below `folder`, relative to `root` (none when the folder does not exist). */
async function filesBelow(root: string, folder: string): Promise<string[]> {
  const entries = await readdir(join(root, folder), { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

async function textOf(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

/** Generated files under `root` that the renderer no longer renders. */
async function leftovers(root: string, files: readonly RenderedFile[]): Promise<string[]> {
  const rendered = new Set(files.map((file) => file.path));
  const existing = (await Promise.all(GENERATED_FOLDERS.map((folder) => filesBelow(root, folder)))).flat();
  return existing.filter((path) => !rendered.has(path)).sort();
}

/** What a check found: files that differ from their rendering, are missing, or should not be there. */
export interface Staleness {
  readonly changed: readonly string[];
  readonly missing: readonly string[];
  readonly extra: readonly string[];
}

/** Compares the rendered `files` with those under `root`. */
export async function staleFilesOf(root: string, files: readonly RenderedFile[]): Promise<Staleness> {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const file of files) {
    const current = await textOf(join(root, file.path));
    if (current === undefined) missing.push(file.path);
    else if (current !== file.text) changed.push(file.path);
  }
  return { changed, missing, extra: await leftovers(root, files) };
}

/** Writes the files that differ and removes the leftovers; returns what it wrote and removed. */
export async function writeBundle(
  root: string,
  files: readonly RenderedFile[],
): Promise<{ written: string[]; removed: string[] }> {
  const written: string[] = [];
  for (const file of files) {
    const path = join(root, file.path);
    if ((await textOf(path)) === file.text) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text);
    written.push(file.path);
  }
  const removed = await leftovers(root, files);
  for (const path of removed) await rm(join(root, path));
  return { written, removed };
}
