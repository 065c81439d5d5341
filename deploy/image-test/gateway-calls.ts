// HTTP calls to the gateway container, and the check of their answers, for the image test's journeys.

/** A reply of the gateway: its status and its body, parsed when it is JSON. */
export interface JsonReply {
  readonly status: number;
  readonly body: unknown;
}

/** One HTTP call to the gateway at `baseUrl`, bounded by `timeoutMs` (15 s by default). */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<JsonReply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: keep the text, which the failure message shows.
  }
  return { status: response.status, body };
}

/** Throws, naming `step` and the reply, unless the reply has `status`. */
export function expectStatus(step: string, reply: JsonReply, status: number): void {
  if (reply.status !== status) {
    throw new Error(`${step}: expected HTTP ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
}
