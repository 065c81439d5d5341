// Names derived from the client's idempotency key, so that every attempt of one order names the same things.
import { createHash } from 'node:crypto';

/** The namespace of order ids (a fixed random UUID): keys hash to the same id only within this namespace. */
const orderNamespace = '6f1c2b7e-4d0a-4c1f-9e3b-5a8d2c7f0e14';

/**
 * A name-based UUID (version 5, SHA-1, RFC 9562) of `name` in `namespace`: the same inputs always give the
 * same UUID. Written here because it is twelve lines and node:crypto has only random UUIDs.
 */
export function nameBasedUuid(namespace: string, name: string): string {
  const namespaceBytes = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (namespaceBytes.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The order id of an idempotency key, so every attempt of a retried order — on any node — names the same
 * order, and its charge's key with it.
 */
export function orderIdFor(idempotencyKey: string): string {
  return nameBasedUuid(orderNamespace, idempotencyKey);
}

/**
 * The idempotency key of an order's charge at payments. One per order, never per attempt: a retried order, or
 * the reconciler asking again, reaches the charge already made instead of making a second one.
 */
export function chargeKeyFor(orderId: string): string {
  return `orders.charge:${orderId}`;
}
