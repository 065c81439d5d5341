// A small HTTP client for the simulator over Node's fetch, returning what the tests assert on.
import type { ProviderStats } from '../../src/admin-routes';
import type { Charge, ChargeRequest, FaultSettingsInput } from '../../src/schemas';

/** One answer of the simulator, decoded. */
export interface ProviderAnswer<T = unknown> {
  readonly status: number;
  /** The `Idempotent-Replayed` header is `true`. */
  readonly replayed: boolean;
  /** The `Retry-After` header, or null. */
  readonly retryAfter: string | null;
  readonly body: T;
}

async function decoded<T>(response: Response): Promise<ProviderAnswer<T>> {
  const text = await response.text();
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    retryAfter: response.headers.get('retry-after'),
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

/** `POST /v1/charges` with `key` as Idempotency-Key (none when undefined); `body` is sent as JSON as given. */
export async function postCharge(
  url: string,
  key: string | undefined,
  body: ChargeRequest | Record<string, unknown>,
): Promise<ProviderAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== undefined) headers['idempotency-key'] = key;
  return decoded(await fetch(`${url}/v1/charges`, { method: 'POST', headers, body: JSON.stringify(body) }));
}

/** Every charge in the ledger (`GET /v1/charges`). */
export async function listCharges(url: string): Promise<Charge[]> {
  const answer = await decoded<{ items: Charge[] }>(await fetch(`${url}/v1/charges`));
  if (answer.status !== 200) throw new Error(`GET /v1/charges answered ${answer.status}`);
  return answer.body.items;
}

/** `GET /v1/charges/:id`. */
export async function getCharge(url: string, id: string): Promise<ProviderAnswer> {
  return decoded(await fetch(`${url}/v1/charges/${encodeURIComponent(id)}`));
}

/** Replaces the fault settings (`PUT /v1/_faults`). */
export async function setFaults(url: string, faults: FaultSettingsInput): Promise<void> {
  const response = await fetch(`${url}/v1/_faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (response.status !== 200)
    throw new Error(`PUT /v1/_faults answered ${response.status}: ${await response.text()}`);
}

/** The load counters (`GET /v1/_stats`). */
export async function getStats(url: string): Promise<ProviderStats> {
  return (await decoded<ProviderStats>(await fetch(`${url}/v1/_stats`))).body;
}
