// What the bundle needs to know about one node family: the blueprint's facts plus what its app declares.
import { readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';

import type { Family, NodeType, Profile } from '@trellis/supervisor';

/** One node family as the bundle deploys it. */
export interface NodeFamily {
  readonly name: string;
  readonly type: NodeType;
  readonly profile: Profile;
  /** Nodes of the family in the blueprint it was read from. */
  readonly count: number;
  /** The app's compiled entry file, relative to the image's working directory (`apps/cart/dist/main.js`). */
  readonly entry: string;
  /** The blueprint's extra environment for the family (its datasets' `DATASET_*` variables included). */
  readonly env: Readonly<Record<string, string>>;
  /** Which shared systems its nodes connect to, read from the app's dependencies. */
  readonly uses: { readonly database: boolean; readonly redis: boolean; readonly datasets: boolean };
}

/** `apps/cart/src/main.ts` → `apps/cart`; the blueprint check refuses any other shape first. */
export const APP_SCRIPT = /^(apps\/[a-z][a-z0-9-]*)\/src\/main\.ts$/;

interface AppManifest {
  readonly main?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

/**
 * The family `family` of a blueprint, with its app's entry file and needs read from the app's package.json
 * under `root`: a family that depends on @trellis/database gets DATABASE_URL, one that depends on @trellis/ring
 * or @trellis/data gets REDIS_URL. Reading them from the dependencies keeps the manifests in step with the code.
 */
export function nodeFamilyOf(family: Family, root: string): NodeFamily {
  const appFolder = APP_SCRIPT.exec(family.script)?.[1];
  if (appFolder === undefined)
    throw new Error(`family ${family.name}: ${family.script} is not an app's main.ts`);
  const manifestPath = resolve(root, appFolder, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as AppManifest;
  if (typeof manifest.main !== 'string') throw new Error(`${manifestPath} names no "main" entry file`);
  const dependencies = Object.keys(manifest.dependencies ?? {});
  return {
    name: family.name,
    type: family.type,
    profile: family.profile,
    count: family.count,
    entry: posix.join(appFolder, manifest.main),
    env: family.env,
    uses: {
      database: dependencies.includes('@trellis/database'),
      redis: dependencies.includes('@trellis/ring') || dependencies.includes('@trellis/data'),
      datasets: dependencies.includes('@trellis/data'),
    },
  };
}
