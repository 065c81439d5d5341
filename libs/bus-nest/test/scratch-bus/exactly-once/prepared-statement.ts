import { createHash } from 'node:crypto';

/** A named statement: pg parses and plans it once per connection instead of on every execution. */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * Names a statement after its purpose and a hash of its text. pg refuses one name for two texts on the same
 * connection, and the text differs per schema, so the hash keeps two inboxes sharing a pool apart.
 */
export function preparedStatement(purpose: string, text: string): PreparedStatement {
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return { name: `trellis_bus_${purpose}_${digest}`, text };
}
