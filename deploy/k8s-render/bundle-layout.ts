// Where the bundle's inputs and outputs live, and the names every rendered file agrees on.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The three blueprints the bundle reads, relative to the repository root. */
export interface BlueprintFiles {
  /** What `npm start` runs; the base's replicas and the compose file come from it. */
  readonly default: string;
  /** The dev overlay (kind, minikube). */
  readonly dev: string;
  /** The production overlay. */
  readonly production: string;
}

/** The blueprints of the repository. */
export const BLUEPRINT_FILES: BlueprintFiles = {
  default: 'deploy/blueprint.yaml',
  dev: 'deploy/blueprints/dev.yaml',
  production: 'deploy/blueprints/production.yaml',
};

/** Folders the renderer owns entirely: a file there that it no longer renders is stale. */
export const GENERATED_FOLDERS = ['k8s/base', 'k8s/overlays/dev', 'k8s/overlays/production'] as const;

/** The one generated file outside those folders (docker/ also holds the hand-written Dockerfile). */
export const COMPOSE_FILE = 'docker/compose.yaml';

/** Every node runs in this namespace; the KEDA trigger reaches the broker by its fully qualified name. */
export const NAMESPACE = 'trellis';

/** The image every node family runs (one image, the node chosen by its entry file). */
export const IMAGE_NAME = 'ghcr.io/trellis-platform/trellis-node';

/** What the dev overlay and the compose file run instead: the image built on the developer's machine. */
export const DEV_IMAGE = { name: 'localhost/trellis-node', tag: 'dev' } as const;

/** The compose file's name for the same local build. */
export const COMPOSE_IMAGE = 'trellis-node:dev';

/** The image tag: the repository's version, so a release names exactly what it runs (never `latest`). */
export function imageTag(root: string): string {
  const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string' || manifest.version === '') {
    throw new Error(`${resolve(root, 'package.json')} has no version to tag the image with`);
  }
  return manifest.version;
}
