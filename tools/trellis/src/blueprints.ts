// Adds a node family to the cluster blueprints, keeping their comments and layout (yaml's Document API).
import type { Tree } from '@nx/devkit';
import { isMap, parseDocument } from 'yaml';

/**
 * The blueprints a family must appear in, with the nodes it starts with in each: `npm start`'s, and the two the
 * Kubernetes overlays deploy (an overlay must hold every family of the base; production runs two of each, so
 * one node can be drained without stopping the family).
 */
export const blueprintFiles = [
  { path: 'deploy/blueprint.yaml', count: 1 },
  { path: 'deploy/blueprints/dev.yaml', count: 1 },
  { path: 'deploy/blueprints/production.yaml', count: 2 },
] as const;

/** A family's entry in a blueprint. */
export interface FamilyEntry {
  readonly name: string;
  readonly type: 'logic' | 'service';
  readonly profile: 'cpu' | 'memory' | 'io';
  /** A keyed dataset of the family, shared `something` (the owner and one replica) until configured otherwise. */
  readonly dataset?: string | undefined;
}

function familiesOf(path: string, text: string) {
  const document = parseDocument(text);
  if (document.errors.length > 0)
    throw new Error(`${path}: ${document.errors[0]?.message ?? 'invalid YAML'}`);
  const families = document.get('families');
  if (!isMap(families)) throw new Error(`${path} has no families map`);
  return { document, families };
}

/** The family names of every blueprint that exists in the tree. */
export function blueprintFamilies(tree: Tree): Set<string> {
  const names = new Set<string>();
  for (const { path } of blueprintFiles) {
    const text = tree.read(path, 'utf-8');
    if (text === null) continue;
    for (const item of familiesOf(path, text).families.items) names.add(String(item.key));
  }
  return names;
}

/** `text` with the family added at the end of `families:`; everything else is left as it was. */
export function withFamily(path: string, text: string, entry: FamilyEntry, count: number): string {
  const { document, families } = familiesOf(path, text);
  const node = document.createNode({
    type: entry.type,
    count,
    profile: entry.profile,
    script: `apps/${entry.name}/src/main.ts`,
    ...(entry.dataset === undefined ? {} : { datasets: { [entry.dataset]: { sharing: 'something' } } }),
  });
  families.set(document.createNode(entry.name), node);
  return document.toString();
}

/** Adds the family to every blueprint of the tree (each must exist: the bundle is rendered from all three). */
export function addFamilyToBlueprints(tree: Tree, entry: FamilyEntry): void {
  for (const { path, count } of blueprintFiles) {
    const text = tree.read(path, 'utf-8');
    if (text === null)
      throw new Error(`${path} is missing: the generator adds the family to every blueprint`);
    tree.write(path, withFamily(path, text, entry, count));
  }
}
