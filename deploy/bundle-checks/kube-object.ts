// A rendered Kubernetes object as plain data, and how checks name it in their findings.
import { parseAllDocuments } from 'yaml';

/** The metadata every check reads. */
export interface ObjectMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** One object of a rendered bundle: what `kubectl kustomize` prints, parsed. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMetadata;
  readonly [field: string]: unknown;
}

/** `Kind/namespace/name`, or `Kind/name` for an object without a namespace: how findings name objects. */
export function refOf(object: Pick<KubeObject, 'kind' | 'metadata'>): string {
  const { namespace, name } = object.metadata;
  return namespace === undefined ? `${object.kind}/${name}` : `${object.kind}/${namespace}/${name}`;
}

/** The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → the core group, ``). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` has what makes it a Kubernetes object: apiVersion, kind and metadata.name as strings. */
export function isKubeObject(value: unknown): value is KubeObject {
  return (
    isRecord(value) &&
    typeof value['apiVersion'] === 'string' &&
    typeof value['kind'] === 'string' &&
    isRecord(value['metadata']) &&
    typeof value['metadata']['name'] === 'string'
  );
}

/**
 * Parses a multi-document YAML stream of Kubernetes objects (empty documents are skipped).
 *
 * @throws Error naming `source` and the document when the YAML is invalid or a document is not an object
 *   with apiVersion, kind and metadata.name.
 */
export function parseManifests(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  parseAllDocuments(text, { uniqueKeys: true }).forEach((document, index) => {
    if (document.errors.length > 0) {
      throw new Error(
        `${source}: document ${index + 1} is not valid YAML: ${document.errors[0]?.message ?? ''}`,
      );
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return;
    if (!isKubeObject(value)) {
      throw new Error(
        `${source}: document ${index + 1} is not a Kubernetes object (apiVersion, kind, metadata.name)`,
      );
    }
    objects.push(value);
  });
  return objects;
}
