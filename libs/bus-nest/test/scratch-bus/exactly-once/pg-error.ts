// Reads the SQLSTATE of errors thrown by pg, whose DatabaseError carries it as `code`.

/** SQLSTATE 55P03: a lock wait hit `lock_timeout`. */
export const LOCK_NOT_AVAILABLE = '55P03';
/** SQLSTATE 40P01: the deadlock detector chose this statement as the victim. */
export const DEADLOCK_DETECTED = '40P01';

/** The SQLSTATE of a Postgres error, or undefined for anything else. */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Whether a statement gave up waiting for a lock another transaction holds: the lock timeout fired, or the
 * deadlock detector broke a cycle (two batches claiming the same keys in opposite orders).
 */
export function isLockWaitAbandoned(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === LOCK_NOT_AVAILABLE || state === DEADLOCK_DETECTED;
}
