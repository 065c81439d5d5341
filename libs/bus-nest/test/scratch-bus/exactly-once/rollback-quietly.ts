import type { PoolClient } from 'pg';

/**
 * Ends a failed transaction on `client`. Resolves with the error to release (destroy) the session with, or
 * undefined when ROLLBACK worked and the session can go back to the pool.
 */
export async function rollbackQuietly(client: PoolClient, cause: unknown): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch {
    return cause instanceof Error ? cause : new Error(String(cause));
  }
}
