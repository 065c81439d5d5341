import type { z } from 'zod';

import { ProviderError } from './errors';

/**
 * Validates `value` against `schema` and returns the parsed value, or throws an `invalid_request`
 * {@link ProviderError} whose message names `what` and each offending field.
 */
export function decode<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
  );
  throw new ProviderError('invalid_request', `Invalid ${what}: ${problems.join('; ')}.`);
}
