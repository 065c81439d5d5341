// Step 1 of the bundle checks: render a kustomization offline with the kubectl on this machine.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { parseManifests } from './kube-object';
import type { KubeObject } from './kube-object';

const run = promisify(execFile);

/** The kubectl that renders (kubectl's built-in kustomize); `KUBECTL` names another one. */
export const KUBECTL = process.env['KUBECTL'] ?? 'kubectl';

/** A rendered kustomization: the printed YAML and the objects parsed from it. */
export interface Rendered {
  readonly directory: string;
  readonly yaml: string;
  readonly objects: readonly KubeObject[];
}

/**
 * Renders the kustomization in `directory` with `kubectl kustomize` (no cluster needed) and parses it.
 *
 * @throws Error naming the directory and kubectl's own message when it does not render.
 */
export async function renderKustomization(directory: string): Promise<Rendered> {
  let yaml: string;
  try {
    ({ stdout: yaml } = await run(KUBECTL, ['kustomize', directory], {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 30_000,
    }));
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const reason = typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : String(error);
    throw new Error(`kubectl kustomize ${directory} does not render: ${reason}`, { cause: error });
  }
  return { directory, yaml, objects: parseManifests(yaml, `kubectl kustomize ${directory}`) };
}
