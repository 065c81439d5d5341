// Schema checks of the operators' custom resources (RabbitMQ cluster and topology, CloudNativePG) against
// their CRDs, read from a folder outside the repository and compiled with ajv, unknown fields rejected.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';

import type { Finding } from '../finding';
import type { KubeObject } from '../kube-object';
import { groupOf, refOf } from '../kube-object';

/** Where the CRDs are: `TRELLIS_CRD_DIR`, else `<repo>/../shared/crds` when it exists, else /work/shared/crds. */
export function crdDirectory(
  repositoryRoot: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const named = env['TRELLIS_CRD_DIR'];
  if (named !== undefined && named !== '') return resolve(named);
  const beside = resolve(repositoryRoot, '..', 'shared', 'crds');
  return existsSync(beside) ? beside : '/work/shared/crds';
}

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A CRD's openAPIV3Schema as a JSON schema ajv can compile, the way the API server reads it: descriptions
 * and `x-kubernetes-*` keys dropped, int-or-string as integer or string, `nullable` as a null type, and
 * objects that list properties closed to others unless they preserve unknown fields. CEL rules
 * (`x-kubernetes-validations`) are not evaluated.
 */
export function toAjvSchema(schema: Schema, formats: Set<string>): Schema {
  const converted: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (
      key === 'description' ||
      key === 'nullable' ||
      key === 'example' ||
      key === 'externalDocs' ||
      key.startsWith('x-kubernetes-')
    )
      continue;
    if (key === 'properties' && isSchema(value)) {
      converted[key] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [
          name,
          isSchema(child) ? toAjvSchema(child, formats) : child,
        ]),
      );
    } else if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isSchema(value)) {
      converted[key] = toAjvSchema(value, formats);
    } else if ((key === 'anyOf' || key === 'allOf' || key === 'oneOf') && Array.isArray(value)) {
      converted[key] = value.map((child: unknown) => (isSchema(child) ? toAjvSchema(child, formats) : child));
    } else {
      if (key === 'format' && typeof value === 'string') formats.add(value);
      converted[key] = value;
    }
  }
  if (schema['x-kubernetes-int-or-string'] === true && converted['anyOf'] === undefined) {
    delete converted['type'];
    converted['anyOf'] = [{ type: 'integer' }, { type: 'string' }];
  }
  if (schema['nullable'] === true && typeof converted['type'] === 'string') {
    converted['type'] = [converted['type'], 'null'];
    if (Array.isArray(converted['enum'])) converted['enum'] = [...(converted['enum'] as unknown[]), null];
  }
  const preserves = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (isSchema(converted['properties']) && !preserves && converted['additionalProperties'] === undefined) {
    converted['additionalProperties'] = false;
  }
  return converted;
}

/** The compiled schemas of a folder of CRDs, by `group/version/kind`, and the files they came from. */
export interface CrdValidators {
  readonly directory: string;
  readonly byKind: ReadonlyMap<string, { readonly validate: ValidateFunction; readonly file: string }>;
}

interface CrdVersion {
  readonly name: string;
  readonly served?: boolean;
  readonly schema?: { readonly openAPIV3Schema?: Schema };
}

/**
 * Reads every CRD in `directory` and compiles the schema of each served version.
 *
 * @throws Error naming the folder when it is missing or holds no CRD: the check must not pass for want of schemas.
 */
export async function loadCrdValidators(directory: string): Promise<CrdValidators> {
  let files: string[];
  try {
    files = (await readdir(directory)).filter((file) => /\.ya?ml$/.test(file)).sort();
  } catch (error) {
    throw new Error(
      `the CRD folder ${directory} cannot be read (set TRELLIS_CRD_DIR to the folder of the operators' CRDs): ${String(error)}`,
      { cause: error },
    );
  }
  // Unoptimised code compiles in half the time, and these schemas run once per object.
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false, code: { optimize: false } });
  addFormats(ajv);
  const byKind = new Map<string, { validate: ValidateFunction; file: string }>();
  for (const file of files) {
    const text = await readFile(join(directory, file), 'utf8');
    for (const document of parseAllDocuments(text)) {
      const crd: unknown = document.toJS();
      if (!isSchema(crd) || crd['kind'] !== 'CustomResourceDefinition') continue;
      const spec = crd['spec'] as { group: string; names: { kind: string }; versions: CrdVersion[] };
      for (const version of spec.versions) {
        const openApi = version.schema?.openAPIV3Schema;
        if (version.served === false || openApi === undefined) continue;
        const formats = new Set<string>();
        const schema = toAjvSchema(openApi, formats);
        // Formats Kubernetes knows and ajv does not (e.g. `quantity`) are left unchecked, as ajv's own are checked.
        for (const format of formats) if (ajv.formats[format] === undefined) ajv.addFormat(format, true);
        byKind.set(`${spec.group}/${version.name}/${spec.names.kind}`, {
          validate: ajv.compile(schema),
          file,
        });
      }
    }
  }
  if (byKind.size === 0) throw new Error(`the CRD folder ${directory} holds no CustomResourceDefinition`);
  return { directory, byKind };
}

/** The compiled CRD schema of an object, if the folder has its group, version and kind. */
export function crdValidatorFor(
  validators: CrdValidators,
  object: KubeObject,
): { validate: ValidateFunction; file: string } | undefined {
  const version = object.apiVersion.slice(object.apiVersion.indexOf('/') + 1);
  return validators.byKind.get(`${groupOf(object.apiVersion)}/${version}/${object.kind}`);
}

/** Validates a custom resource against its CRD: `schema.unknown-field` for closed objects, `schema.invalid` otherwise. */
export function checkWithCrd(
  object: KubeObject,
  validator: { validate: ValidateFunction; file: string },
): Finding[] {
  const { apiVersion, kind } = object;
  const ref = refOf(object);
  const data: unknown = object;
  if (validator.validate(data)) return [];
  return (validator.validate.errors ?? []).map((error) => {
    const where = error.instancePath === '' ? '(object)' : error.instancePath;
    if (error.keyword === 'additionalProperties') {
      const field = String((error.params as { additionalProperty?: unknown }).additionalProperty);
      return {
        rule: 'schema.unknown-field',
        object: ref,
        message: `${where}/${field} is not a field of ${apiVersion} ${kind} (CRD ${validator.file})`,
      };
    }
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    return {
      rule: 'schema.invalid',
      object: ref,
      message: `${where} ${error.message ?? error.keyword}${allowed === undefined ? '' : ` (${allowed.join(', ')})`} (CRD ${validator.file})`,
    };
  });
}
