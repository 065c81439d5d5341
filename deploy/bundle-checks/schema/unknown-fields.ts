// Finding fields a schema does not know, two ways: a strict round trip through @kubernetes/client-node's
// typed models (a field its models lack is dropped), and, for validators that accept unknown fields,
// a probe that puts a value no schema accepts into each field in turn (a field whose bad value passes is
// one the schema does not describe).

type Json = unknown;

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `spec.template.spec.containers[0].livenesProbe`, for messages. */
export function describePath(path: readonly (string | number)[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number'
        ? `[${part}]`
        : /^[A-Za-z_$][\w$]*$/.test(part)
          ? `${index === 0 ? '' : '.'}${part}`
          : `[${JSON.stringify(part)}]`,
    )
    .join('');
}

/** The JSON pointer of a path, as ajv reports `instancePath`. */
function pointerOf(path: readonly (string | number)[]): string {
  return path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** The fields of `original` that `roundTripped` lost, as paths. */
export function lostFields(
  original: Json,
  roundTripped: Json,
  path: (string | number)[] = [],
): (string | number)[][] {
  if (Array.isArray(original)) {
    if (!Array.isArray(roundTripped)) return [];
    return original.flatMap((item, index) => lostFields(item, roundTripped[index], [...path, index]));
  }
  if (!isPlainObject(original) || !isPlainObject(roundTripped)) return [];
  return Object.entries(original).flatMap(([key, value]) =>
    key in roundTripped ? lostFields(value, roundTripped[key], [...path, key]) : [[...path, key]],
  );
}

/** A value that fails every typed schema: not null, a string, a number, a boolean, an array nor an object. */
const SENTINEL = Symbol('a value no schema accepts');

function withValueAt(root: Json, path: readonly (string | number)[], value: Json): Json {
  const copy = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (last !== undefined) parent[last] = value;
  return copy;
}

/**
 * The fields of `object` that `validate` does not describe. `validate` returns the JSON pointers of its
 * errors and must accept `object` as it is. A field counts as described when putting a value no schema
 * accepts there makes the validator report an error at (or under) it. Fields a schema leaves entirely
 * free (no type at all) would count as unknown; Kubernetes' schemas type every field the bundle uses.
 */
export function undescribedFields(
  object: Json,
  validate: (data: Json) => readonly string[],
): (string | number)[][] {
  const unknown: (string | number)[][] = [];
  const visit = (value: Json, path: (string | number)[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
      return;
    }
    if (!isPlainObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, key];
      const pointer = pointerOf(childPath);
      const errors = validate(withValueAt(object, childPath, SENTINEL));
      const described = errors.some((at) => at === pointer || at.startsWith(`${pointer}/`));
      if (described) visit(child, childPath);
      else unknown.push(childPath);
    }
  };
  visit(object, []);
  return unknown;
}
