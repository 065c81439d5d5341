// A small JSON client for the HTTP APIs the gateway tests talk to (gateway and provider), over loopback.

/** A response read whole: status, headers, the raw text and the parsed body when it is JSON. */
export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: unknown;
}

/** Options of {@link request}. */
export interface RequestOptions {
  readonly token?: string;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as is, instead of `body` (with `content-type: application/json` unless a header says otherwise). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Abort the request after this long; 15 s when omitted, so no request can hang a test. */
  readonly timeoutMs?: number;
}

/** Sends one request and reads the whole reply; rejects on a network error or the timeout. */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  return { status: response.status, headers: response.headers, text, body: isJson ? parse(text) : undefined };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
