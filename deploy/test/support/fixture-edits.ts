// Copies of a rendered fixture bundle with one deliberate defect each, for showing that a check fails.
import type { KubeObject } from '../../bundle-checks/kube-object';
import { refOf } from '../../bundle-checks/kube-object';

/** A path into an object: keys and array indexes (label keys hold dots, so no dotted strings). */
export type FieldPath = readonly (string | number)[];

/** Marks a field to delete rather than set. */
export const REMOVE = Symbol('remove');

function clone(objects: readonly KubeObject[]): KubeObject[] {
  return structuredClone(objects) as KubeObject[];
}

function isContainer(value: unknown): value is Record<string | number, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * A copy of `objects` where the field at `path` of the object `ref` (`Kind/namespace/name`) is set to
 * `value` (or deleted with {@link REMOVE}); missing parents are created.
 *
 * @throws Error when no object has that ref, so a stale fixture edit cannot pass silently.
 */
export function edited(
  objects: readonly KubeObject[],
  ref: string,
  path: FieldPath,
  value: unknown,
): KubeObject[] {
  const copy = clone(objects);
  const target = copy.find((object) => refOf(object) === ref);
  if (target === undefined) throw new Error(`the fixture has no ${ref}`);
  setField(target, path, value);
  return copy;
}

/** A copy of any parsed document (e.g. a compose file) with the field at `path` set or {@link REMOVE}d. */
export function editedDocument<T>(document: T, path: FieldPath, value: unknown): T {
  const copy = structuredClone(document);
  setField(copy, path, value);
  return copy;
}

function setField(target: unknown, path: FieldPath, value: unknown): void {
  let parent: Record<string | number, unknown> = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    if (!isContainer(next)) parent[key] = {};
    parent = parent[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (last === undefined) throw new Error('an empty path edits nothing');
  if (value === REMOVE) {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete parent[last];
  } else {
    parent[last] = value;
  }
}

/** A copy of `objects` without the object `ref`. */
export function without(objects: readonly KubeObject[], ref: string): KubeObject[] {
  if (!objects.some((object) => refOf(object) === ref)) throw new Error(`the fixture has no ${ref}`);
  return clone(objects).filter((object) => refOf(object) !== ref);
}

/** A copy of `objects` with more objects added. */
export function withObjects(objects: readonly KubeObject[], ...added: KubeObject[]): KubeObject[] {
  return [...clone(objects), ...added];
}
