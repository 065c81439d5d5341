import { randomBytes } from 'node:crypto';

/**
 * Builds `<prefix><sep><label><sep><random>` from a free-form label, keeping only characters that are
 * safe in vhost, schema and queue names, so parallel or repeated runs never collide.
 */
export function uniqueName(prefix: string, label: string, separator: '-' | '_'): string {
  const cleaned = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^\\${separator}+|\\${separator}+$`, 'g'), '');
  const parts = [prefix, cleaned || 'test', randomBytes(4).toString('hex')];
  return parts.join(separator);
}
