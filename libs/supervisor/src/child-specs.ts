// Turns a blueprint into the child specs the supervisor runs: one per node, family count × entry file.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Blueprint } from './blueprint';
import type { ChildSpec } from './supervisor';

/** A family left out because its entry file is not there (its app is not written yet). */
export interface SkippedFamily {
  readonly family: string;
  readonly script: string;
}

/** Options of {@link childSpecsOf}. */
export interface ChildSpecsOptions {
  /** The workspace root: scripts are relative to it and nodes run in it. */
  readonly root: string;
  /** Whether a file exists; the file system by default. */
  readonly exists?: (path: string) => boolean;
}

const TYPESCRIPT = /\.[cm]?ts$/;

/**
 * How one node is started: this Node binary, with tsx and the workspace's source condition when the entry
 * is TypeScript (the dev setup: libraries are imported from their `src`). Running node itself rather than
 * `npx tsx` keeps one process per node, so a signal to the node reaches the code that handles it.
 */
function commandFor(scriptPath: string): { command: string; args: string[] } {
  if (!TYPESCRIPT.test(scriptPath)) return { command: process.execPath, args: [scriptPath] };
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  return {
    command: process.execPath,
    args: ['--enable-source-maps', '--conditions=@trellis/source', '--import', tsx, scriptPath],
  };
}

/**
 * One child spec per node of the blueprint, ids `<family>-<n>` counted from 1, each with NODE_INDEX (n)
 * on top of its family's environment. Families whose entry file does not exist are returned as skipped.
 */
export function childSpecsOf(
  blueprint: Blueprint,
  options: ChildSpecsOptions,
): { children: ChildSpec[]; skipped: SkippedFamily[] } {
  const exists = options.exists ?? existsSync;
  const children: ChildSpec[] = [];
  const skipped: SkippedFamily[] = [];
  for (const family of blueprint.families) {
    const scriptPath = isAbsolute(family.script) ? family.script : resolve(options.root, family.script);
    if (!exists(scriptPath)) {
      skipped.push({ family: family.name, script: family.script });
      continue;
    }
    const { command, args } = commandFor(scriptPath);
    for (let index = 1; index <= family.count; index += 1) {
      children.push({
        id: `${family.name}-${index}`,
        family: family.name,
        nodeType: family.type,
        command,
        args,
        env: { ...family.env, NODE_INDEX: String(index) },
        cwd: options.root,
      });
    }
  }
  return { children, skipped };
}
