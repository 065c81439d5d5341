// Schema checks of the kinds kubernetes-models describes: built-in Kubernetes kinds, KEDA, cert-manager and
// the Gateway API. kubernetes-models validates types, enums and required fields; unknown fields are found
// by the strict round trip through @kubernetes/client-node (built-in kinds) and by probing the models.
import type { Finding } from '../finding';
import type { KubeObject } from '../kube-object';
import { refOf } from '../kube-object';
import { modelErrors, modelPackageOf } from './model-registry';
import type { ModelClass } from './model-registry';
import { describePath, lostFields, undescribedFields } from './unknown-fields';

interface Serializer {
  serialize(data: unknown, type: string, format: string): unknown;
  deserialize(data: unknown, type: string, format: string): unknown;
}

let serializer: Promise<Serializer> | undefined;

/** @kubernetes/client-node's generated ObjectSerializer (an ES module, loaded once when first needed). */
function clientNodeSerializer(): Promise<Serializer> {
  serializer ??= import('@kubernetes/client-node/dist/gen/models/ObjectSerializer.js').then(
    (module) => module.ObjectSerializer as Serializer,
  );
  return serializer;
}

/** client-node's model name of a built-in kind: `apps/v1` `Deployment` → `V1Deployment`. */
function clientNodeTypeOf(apiVersion: string, kind: string): string {
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  if (kind === 'Event') return apiVersion === 'v1' ? 'CoreV1Event' : 'EventsV1Event';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

function messageOf(error: {
  instancePath: string;
  message?: string;
  keyword: string;
  params?: Record<string, unknown>;
}): string {
  const where = error.instancePath === '' ? '(object)' : error.instancePath;
  const allowed = Array.isArray(error.params?.['allowedValues'])
    ? ` (${(error.params['allowedValues'] as unknown[]).join(', ')})`
    : '';
  return `${where} ${error.message ?? error.keyword}${allowed}`;
}

/**
 * Validates one object with its kubernetes-models class and reports every problem:
 * `schema.invalid` for types, enums and required fields, `schema.unknown-field` for each field the
 * models do not describe (reported once, by the first way that finds it).
 */
export async function checkWithModel(object: KubeObject, model: ModelClass): Promise<Finding[]> {
  const ref = refOf(object);
  const source = modelPackageOf(object.apiVersion) ?? 'kubernetes-models';
  const errors = modelErrors(model, object);
  if (errors.length > 0) {
    return errors.map((error) => ({
      rule: 'schema.invalid',
      object: ref,
      message: `${source}: ${messageOf(error)}`,
    }));
  }
  const findings: Finding[] = [];
  const reported = new Set<string>();
  const unknownField = (path: (string | number)[], by: string): void => {
    const field = describePath(path);
    if (reported.has(field)) return;
    reported.add(field);
    findings.push({
      rule: 'schema.unknown-field',
      object: ref,
      message: `${field} is not a field of ${object.apiVersion} ${object.kind} (${by})`,
    });
  };
  if (source === 'kubernetes-models') {
    const serializer = await clientNodeSerializer();
    const type = clientNodeTypeOf(object.apiVersion, object.kind);
    const typed = serializer.deserialize(object, type, '');
    if (typed === null || typeof typed !== 'object' || Object.getPrototypeOf(typed) === Object.prototype) {
      findings.push({
        rule: 'schema.no-schema',
        object: ref,
        message: `@kubernetes/client-node has no model ${type} for the strict round trip`,
      });
    } else {
      for (const path of lostFields(object, serializer.serialize(typed, type, '')))
        unknownField(path, '@kubernetes/client-node round trip');
    }
  }
  const validate = (data: unknown): string[] => modelErrors(model, data).map((error) => error.instancePath);
  for (const path of undescribedFields(object, validate)) unknownField(path, `${source} schema`);
  return findings;
}
