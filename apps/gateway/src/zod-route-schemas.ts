// Lets Fastify routes declare zod schemas: Fastify validates with zod instead of Ajv, and @fastify/swagger
// documents the same schemas as JSON Schema (zod 4's z.toJSONSchema), so validation and docs never drift.
import type { FastifySchemaCompiler } from 'fastify';
import type { SwaggerTransform } from '@fastify/swagger';
import { z } from 'zod';

import { GatewayErrors } from './gateway-errors';

/**
 * Validates one part of a request (body, params, querystring, headers) with its zod schema. The parsed value
 * replaces the raw one, so handlers see what zod produced; a failure is `gateway.invalid_input` with the
 * issues, which Fastify hands to the error handler.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data: unknown) => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return { value: parsed.data };
    const where = httpPart ?? 'request';
    return {
      error: GatewayErrors.invalidInput.create(
        `The ${where} does not match the schema: ${z.prettifyError(parsed.error)}`,
        parsed.error.issues.map((issue) => ({
          in: where,
          path: issue.path.map(String),
          code: issue.code,
          message: issue.message,
        })),
      ),
    };
  };

function jsonSchemaOf(schema: unknown, io: 'input' | 'output'): unknown {
  if (!(schema instanceof z.ZodType)) return schema;
  // unrepresentable: 'any' documents what JSON Schema cannot say (e.g. a transform) instead of throwing.
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return json;
}

/** @fastify/swagger `transform`: turns a route's zod schemas into JSON Schema for the OpenAPI document. */
export const zodSwaggerTransform: SwaggerTransform = ({ schema, url }) => {
  if (schema === undefined || schema === null) return { schema, url };
  const transformed: Record<string, unknown> = { ...schema };
  for (const part of ['body', 'params', 'querystring', 'headers'] as const) {
    if (schema[part] !== undefined) transformed[part] = jsonSchemaOf(schema[part], 'input');
  }
  if (schema.response !== undefined && typeof schema.response === 'object') {
    transformed['response'] = Object.fromEntries(
      Object.entries(schema.response as Record<string, unknown>).map(([status, response]) => [
        status,
        jsonSchemaOf(response, 'output'),
      ]),
    );
  }
  return { schema: transformed, url };
};
