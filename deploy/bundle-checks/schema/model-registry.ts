// Finds the kubernetes-models class (built-in kinds, KEDA, cert-manager, Gateway API) for an object's
// apiVersion and kind, loading only the models the bundle uses.
import { groupOf } from '../kube-object';

/** An error of a kubernetes-models validation: ajv's, with the JSON pointer of the offending value. */
export interface ModelError {
  readonly instancePath: string;
  readonly message?: string;
  readonly keyword: string;
  readonly params?: Record<string, unknown>;
}

/** A kubernetes-models class: constructed from plain data, `validate()` throws with ajv's `errors`. */
export interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: unknown): { validate(): void };
}

/** The model package of each API group that is not built into Kubernetes. */
const CUSTOM_RESOURCE_PACKAGES: Readonly<Record<string, string>> = {
  'keda.sh': '@kubernetes-models/keda',
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'acme.cert-manager.io': '@kubernetes-models/cert-manager',
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
};

/** Built-in groups: the core group, groups without a dot, and the `*.k8s.io` groups of Kubernetes itself. */
function isBuiltInGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/** The package a group's models come from, or `undefined` when no model package covers it. */
export function modelPackageOf(apiVersion: string): string | undefined {
  const group = groupOf(apiVersion);
  return CUSTOM_RESOURCE_PACKAGES[group] ?? (isBuiltInGroup(group) ? 'kubernetes-models' : undefined);
}

function isModelClass(value: unknown, apiVersion: string, kind: string): value is ModelClass {
  return (
    typeof value === 'function' &&
    (value as unknown as Record<string, unknown>)['apiVersion'] === apiVersion &&
    (value as unknown as Record<string, unknown>)['kind'] === kind
  );
}

const cache = new Map<string, Promise<ModelClass | undefined>>();

async function load(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const modelPackage = modelPackageOf(apiVersion);
  if (modelPackage === undefined || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  let loaded: unknown;
  try {
    // Each kind is its own module (`kubernetes-models/apps/v1/Deployment`), so only used kinds load.
    loaded = (await import(`${modelPackage}/${apiVersion}/${kind}`)) as unknown;
  } catch {
    return undefined;
  }
  const exported = (loaded as Record<string, unknown>)[kind];
  return isModelClass(exported, apiVersion, kind) ? exported : undefined;
}

/** The model class of `apiVersion`/`kind`, or `undefined` when no model package has one. */
export function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = `${apiVersion}/${kind}`;
  let found = cache.get(key);
  if (found === undefined) {
    found = load(apiVersion, kind);
    cache.set(key, found);
  }
  return found;
}

/** Runs a model's validation on `data` and returns ajv's errors (none when valid). */
export function modelErrors(model: ModelClass, data: unknown): readonly ModelError[] {
  try {
    new model(data).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: unknown }).errors;
    if (Array.isArray(errors)) return errors as ModelError[];
    throw error;
  }
}
