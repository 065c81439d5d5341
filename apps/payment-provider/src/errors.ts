// The simulator's error catalogue. The shape on the wire copies the payment API it stands in for
// (`{ "error": { "type", "code", "message" } }`), so clients are tested against realistic answers.

/** What every catalogued error carries: its HTTP status, the provider's error type, and whether a retry may help. */
export interface ProviderErrorSpec {
  readonly status: number;
  readonly type: 'invalid_request_error' | 'idempotency_error' | 'rate_limit_error' | 'api_error';
  readonly retryable: boolean;
}

/** Every error the simulator answers with, by stable code. */
export const providerErrors = {
  invalid_request: { status: 400, type: 'invalid_request_error', retryable: false },
  idempotency_key_missing: { status: 400, type: 'invalid_request_error', retryable: false },
  charge_not_found: { status: 404, type: 'invalid_request_error', retryable: false },
  route_not_found: { status: 404, type: 'invalid_request_error', retryable: false },
  idempotency_key_in_use: { status: 409, type: 'idempotency_error', retryable: true },
  idempotency_key_reused: { status: 422, type: 'idempotency_error', retryable: false },
  rate_limited: { status: 429, type: 'rate_limit_error', retryable: true },
  internal: { status: 500, type: 'api_error', retryable: true },
  provider_unavailable: { status: 503, type: 'api_error', retryable: true },
} as const satisfies Record<string, ProviderErrorSpec>;

/** A code from {@link providerErrors}. */
export type ProviderErrorCode = keyof typeof providerErrors;

/** The JSON body of every error answer. */
export interface ProviderErrorBody {
  readonly error: {
    readonly type: ProviderErrorSpec['type'];
    readonly code: ProviderErrorCode;
    readonly message: string;
  };
}

/**
 * An error with a catalogued code. Domain code throws it; only the HTTP layer turns the code into a
 * status through {@link providerErrors}.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';

  constructor(
    readonly code: ProviderErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The catalogue entry for this error's code. */
  get spec(): ProviderErrorSpec {
    return providerErrors[this.code];
  }

  /** The JSON body sent to the client. */
  toBody(): ProviderErrorBody {
    return { error: { type: this.spec.type, code: this.code, message: this.message } };
  }
}
