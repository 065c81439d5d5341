// The kustomize overlays of the repository and the blueprint each one is rendered from.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const REPOSITORY = resolve(__dirname, '..', '..', '..');

/** Every overlay under k8s/overlays, so a new overlay is checked without touching the tests. */
export const OVERLAYS: readonly string[] = (() => {
  try {
    return readdirSync(join(REPOSITORY, 'k8s', 'overlays'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    // No bundle yet: name the overlays the bundle must have, so the render step fails on them.
    return ['dev', 'production'];
  }
})();

/** The folder of an overlay. */
export function overlayDirectory(overlay: string): string {
  return join(REPOSITORY, 'k8s', 'overlays', overlay);
}

/** The blueprint an overlay is rendered from: deploy/blueprints/<overlay>.yaml. */
export function blueprintOf(overlay: string): string {
  return join(REPOSITORY, 'deploy', 'blueprints', `${overlay}.yaml`);
}
