// The few bookshop steps the fault tests repeat, over the gateway's REST API.
import { waitFor } from '@trellis/testing';

import { request } from '../../test/support/http';
import type { JsonResponse } from '../../test/support/http';

/** An order as the gateway answers it. */
export interface OrderView {
  readonly orderId: string;
  readonly status: string;
  readonly totalCents: number;
  readonly items: ReadonlyArray<{ bookId: string; quantity: number; unitPriceCents: number }>;
}

/** A charge in the provider's ledger. */
export interface ProviderCharge {
  readonly id: string;
  readonly amountCents: number;
  readonly reference: string;
}

/** A logged-in session as `POST /v1/sessions` answers it. */
export interface OpenedSession {
  readonly sessionId: string;
  readonly token: string;
}

/** Logs `userId` in and resolves with the session id and its bearer token; throws on anything but 201. */
export async function openSession(gatewayUrl: string, userId: string): Promise<OpenedSession> {
  const response = await request(gatewayUrl, 'POST', '/v1/sessions', { body: { userId } });
  if (response.status !== 201) throw new Error(`login answered ${response.status}: ${response.text}`);
  return response.body as OpenedSession;
}

/** Logs `userId` in and resolves with the bearer token; throws on anything but 201. */
export async function login(gatewayUrl: string, userId: string): Promise<string> {
  return (await openSession(gatewayUrl, userId)).token;
}

/** Sets a cart line; throws on anything but 200. */
export async function putCartItem(
  gatewayUrl: string,
  token: string,
  bookId: string,
  quantity: number,
): Promise<void> {
  const response = await request(gatewayUrl, 'PUT', `/v1/cart/items/${bookId}`, {
    token,
    body: { quantity },
  });
  if (response.status !== 200) throw new Error(`cart PUT answered ${response.status}: ${response.text}`);
}

/** `POST /v1/orders` with the key. */
export function postOrder(gatewayUrl: string, token: string, key: string): Promise<JsonResponse> {
  return request(gatewayUrl, 'POST', '/v1/orders', {
    token,
    headers: { 'idempotency-key': key },
    timeoutMs: 30_000,
  });
}

/**
 * Follows an order to its settled state the way a client does: a 202 without an order is retried with the
 * same key, a pending order is read back with `GET /v1/orders/:id`, until it is not pending (bounded).
 */
export async function settledOrder(
  gatewayUrl: string,
  token: string,
  key: string,
  first: JsonResponse,
  timeoutMs = 60_000,
): Promise<OrderView> {
  let latest = first;
  return waitFor(
    async () => {
      const body = latest.body as Partial<OrderView> | undefined;
      if ((latest.status === 200 || latest.status === 201) && body?.status !== 'pending')
        return body as OrderView;
      if (latest.status !== 202 && latest.status !== 200 && latest.status !== 201) {
        throw new Error(`order answered ${latest.status}: ${latest.text}`);
      }
      latest =
        typeof body?.orderId === 'string'
          ? await request(gatewayUrl, 'GET', `/v1/orders/${body.orderId}`, { token })
          : await postOrder(gatewayUrl, token, key);
      return false;
    },
    { timeoutMs, intervalMs: 500, description: `order ${key} settled` },
  );
}

/** The provider's charges whose reference names `orderId` (payments sends `order <orderId>`). */
export async function chargesFor(providerUrl: string, orderId: string): Promise<ProviderCharge[]> {
  return (await allCharges(providerUrl)).filter((charge) => charge.reference === `order ${orderId}`);
}

/** The provider's whole ledger, oldest first. */
export async function allCharges(providerUrl: string): Promise<ProviderCharge[]> {
  const response = await request(providerUrl, 'GET', '/v1/charges');
  if (response.status !== 200) throw new Error(`provider ledger answered ${response.status}`);
  return (response.body as { items: ProviderCharge[] }).items;
}
