// Step 2 of the bundle checks: every rendered object validates against a schema, with unknown fields
// rejected. Built-in kinds, KEDA, cert-manager and the Gateway API by kubernetes-models (plus the strict
// round trip); the operators' resources by their CRDs. An object that nothing validates is an error.
import { ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';

import type { Finding } from '../finding';
import type { KubeObject } from '../kube-object';
import { refOf } from '../kube-object';
import { checkWithCrd, crdValidatorFor } from './crd-schema';
import type { CrdValidators } from './crd-schema';
import { modelErrors, modelFor, modelPackageOf } from './model-registry';
import type { ModelClass } from './model-registry';
import { checkWithModel } from './model-schema';
import { describePath, undescribedFields } from './unknown-fields';

/** What validated an object, for the step's figures. */
export type SchemaSource = 'kubernetes-models' | '@kubernetes-models' | 'CRD' | 'none';

/** The findings of the schema step and how many objects each source validated. */
export interface SchemaReport {
  readonly findings: readonly Finding[];
  readonly validatedBy: Readonly<Record<SchemaSource, number>>;
}

/** A CRD's schema leaves `metadata` open, so a custom resource's metadata is checked as an ObjectMeta. */
function checkMetadata(object: KubeObject): Finding[] {
  const meta = ObjectMeta as unknown as ModelClass;
  const ref = refOf(object);
  const errors = modelErrors(meta, object.metadata);
  if (errors.length > 0) {
    return errors.map((error) => ({
      rule: 'schema.invalid',
      object: ref,
      message: `metadata${error.instancePath} ${error.message ?? error.keyword}`,
    }));
  }
  const validate = (data: unknown): string[] => modelErrors(meta, data).map((error) => error.instancePath);
  return undescribedFields(object.metadata, validate).map((path) => ({
    rule: 'schema.unknown-field',
    object: ref,
    message: `metadata.${describePath(path)} is not a field of ObjectMeta`,
  }));
}

/** Validates every object; see the module comment for which schema each kind meets. */
export async function checkSchemas(
  objects: readonly KubeObject[],
  crds: CrdValidators,
): Promise<SchemaReport> {
  const findings: Finding[] = [];
  const validatedBy: Record<SchemaSource, number> = {
    'kubernetes-models': 0,
    '@kubernetes-models': 0,
    CRD: 0,
    none: 0,
  };
  for (const object of objects) {
    const crd = crdValidatorFor(crds, object);
    if (crd !== undefined) {
      validatedBy.CRD += 1;
      findings.push(...checkWithCrd(object, crd), ...checkMetadata(object));
      continue;
    }
    const model = await modelFor(object.apiVersion, object.kind);
    if (model !== undefined) {
      validatedBy[
        modelPackageOf(object.apiVersion) === 'kubernetes-models' ? 'kubernetes-models' : '@kubernetes-models'
      ] += 1;
      findings.push(...(await checkWithModel(object, model)));
      continue;
    }
    validatedBy.none += 1;
    findings.push({
      rule: 'schema.no-schema',
      object: refOf(object),
      message: `no schema validates ${object.apiVersion} ${object.kind}: not a kind of kubernetes-models or @kubernetes-models/{keda,cert-manager,gateway-api}, and no CRD for it in ${crds.directory}`,
    });
  }
  return { findings, validatedBy };
}
