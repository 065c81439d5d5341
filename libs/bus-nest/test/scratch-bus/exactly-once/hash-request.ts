import { createHash } from 'node:crypto';

import { configure } from 'safe-stable-stringify';

// Canonical JSON: keys sorted at every level; a cycle throws rather than hashing a placeholder, because two
// different cyclic requests would otherwise hash the same.
const canonicalJson = configure({ deterministic: true, circularValue: Error, bigint: true });

/**
 * The request hash stored beside an idempotency key: sha256 (hex) of the canonical JSON of `value` (object keys
 * sorted, so key order does not matter). A reused key whose request hashes differently is a conflict.
 * `undefined` hashes like `null`; a cyclic value throws.
 */
export function hashRequest(value: unknown): string {
  const json = canonicalJson(value) ?? 'null';
  return createHash('sha256').update(json).digest('hex');
}
