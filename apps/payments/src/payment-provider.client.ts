// The HTTP client of the third-party payment provider, with the load regulation and fault handling a
// limited, sometimes failing API needs. It knows HTTP and the provider; it knows nothing of the bus.
import { setTimeout as delay } from 'node:timers/promises';

import { BookshopErrors } from '@trellis/contracts';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  ConsecutiveBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  timeout,
  wrap,
} from 'cockatiel';
import type { IPolicy } from 'cockatiel';
import type { Logger } from 'pino';

import { readProviderAnswer } from './provider-answer';
import type { ProviderAnswer } from './provider-answer';
import { RetryAfterGate } from './retry-after-gate';

/** One charge as the provider is asked for it. */
export interface ProviderChargeRequest {
  /** Sent as `Idempotency-Key`: the same on every attempt, so a repeated request is never a second charge. */
  readonly idempotencyKey: string;
  readonly amountCents: number;
  readonly currency: string;
  /** Shown on the provider's side (its dashboard, its reports); part of what the key is bound to. */
  readonly reference: string;
}

/** The provider's final answer to a charge. */
export type ProviderChargeResult =
  | { readonly status: 'succeeded'; readonly chargeId: string }
  | { readonly status: 'declined'; readonly chargeId: string | undefined; readonly reason: string };

/** Settings of a {@link PaymentProviderClient}. */
export interface PaymentProviderClientOptions {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:4100`. */
  readonly baseUrl: string;
  /** Longest time one charge may take here: waiting for a slot plus the HTTP request and its body. */
  readonly timeoutMs: number;
  /** Requests in flight at once (the bulkhead). */
  readonly concurrency: number;
  /** Requests waiting for a slot; beyond that a charge is refused at once. */
  readonly queue: number;
  /** Consecutive failures (timeouts, connection errors, 5xx) that open the circuit. */
  readonly breakerFailures: number;
  /** How long the open circuit refuses everything before it lets one trial request through. */
  readonly breakerHalfOpenMs: number;
  /** The longest the client waits for a Retry-After to pass; a longer one is refused at once. */
  readonly maxRetryAfterWaitMs: number;
  readonly logger: Logger;
}

/**
 * A failure that says the provider is down or unreachable: what the circuit breaker counts. A 409 or 429 is
 * not one (the provider is up and regulating its load), nor is a decline.
 */
class ProviderDownError extends Error {
  override readonly name = 'ProviderDownError';
}

/**
 * The provider refused our request as malformed (4xx other than 402, 409, 429) or answered something we cannot
 * read. A bug on our side, not a state of the provider: deliberately not a TrellisError, so the bus redelivers
 * the call a few times and then dead-letters it where an operator sees it, instead of storing it as the
 * order's outcome or retrying it forever.
 */
export class ProviderRequestRejectedError extends Error {
  override readonly name = 'ProviderRequestRejectedError';
}

/**
 * Charges through the provider's `POST /v1/charges`. Every failure that a retry with the same idempotency key
 * may cure (timeout, connection error, 5xx, 409, 429, open circuit, full bulkhead) is thrown as
 * `BookshopErrors.providerUnavailable` (retryable); a decline is returned; a malformed request throws
 * {@link ProviderRequestRejectedError}.
 */
export class PaymentProviderClient {
  readonly #options: PaymentProviderClientOptions;
  readonly #policy: IPolicy;
  readonly #gate = new RetryAfterGate();

  constructor(options: PaymentProviderClientOptions) {
    this.#options = options;
    const { logger } = options;

    // A slow provider is a dead provider: the timeout covers the wait for a bulkhead slot too, so a charge
    // never outlives its attempt on the bus. Aggressive: the caller is answered at the deadline even if the
    // request has not yet noticed its aborted signal.
    const deadline = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
    // Load regulation towards a limited API: the provider serves 50 requests at once and refuses the rest
    // with 429; holding ours to `concurrency` (40 by default) keeps us under that limit instead of learning
    // it from refusals. Excess charges queue briefly here rather than at the provider.
    const slots = bulkhead(options.concurrency, options.queue);
    // Stop hammering a provider that is down: after `breakerFailures` failures in a row, charges fail at once
    // (retryable, so callers come back later) instead of each waiting out a timeout and adding load to a
    // provider trying to recover; after `breakerHalfOpenMs` one trial request decides whether it is back.
    const breaker = circuitBreaker(
      handleWhen((error) => error instanceof ProviderDownError),
      {
        halfOpenAfter: options.breakerHalfOpenMs,
        breaker: new ConsecutiveBreaker(options.breakerFailures),
      },
    );
    breaker.onBreak(() => logger.warn('payment provider circuit opened: failing charges fast'));
    breaker.onHalfOpen(() => logger.info('payment provider circuit half-open: trying one charge'));
    breaker.onReset(() => logger.info('payment provider circuit closed: provider answering again'));
    this.#policy = wrap(deadline, slots, breaker);
  }

  /** Charges once per idempotency key; see the class for what it throws. */
  async charge(request: ProviderChargeRequest): Promise<ProviderChargeResult> {
    await this.#waitForRetryAfter();
    let answer: ProviderAnswer;
    try {
      answer = await this.#policy.execute(({ signal }) => this.#post(request, signal));
    } catch (error) {
      throw this.#unavailableOrRethrow(error);
    }
    switch (answer.kind) {
      case 'charged':
        return { status: 'succeeded', chargeId: answer.chargeId };
      case 'declined':
        return { status: 'declined', chargeId: answer.chargeId, reason: answer.reason };
      case 'busy':
        if (answer.retryAfterMs !== undefined) this.#gate.closeFor(answer.retryAfterMs);
        throw BookshopErrors.providerUnavailable.create(
          answer.reason,
          answer.retryAfterMs === undefined ? undefined : { retryAfterMs: answer.retryAfterMs },
        );
      case 'failed':
        // #post throws these inside the breaker, which must count them; kept for an exhaustive switch.
        throw BookshopErrors.providerUnavailable.create(answer.reason);
      case 'rejected':
        throw new ProviderRequestRejectedError(answer.reason);
    }
  }

  /**
   * Honours the provider's Retry-After as a hint: a short wait is served here, inside the attempt's time,
   * so the charge still goes through on this attempt; a longer one fails at once and leaves the wait to the
   * caller's backoff.
   */
  async #waitForRetryAfter(): Promise<void> {
    const waitMs = this.#gate.remainingMs();
    if (waitMs === 0) return;
    if (waitMs > this.#options.maxRetryAfterWaitMs) {
      throw BookshopErrors.providerUnavailable.create(`payment provider asked us to wait ${waitMs} ms`, {
        retryAfterMs: waitMs,
      });
    }
    await delay(waitMs);
  }

  async #post(request: ProviderChargeRequest, signal: AbortSignal): Promise<ProviderAnswer> {
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(`${this.#options.baseUrl}/v1/charges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': request.idempotencyKey },
        body: JSON.stringify({
          amountCents: request.amountCents,
          currency: request.currency,
          reference: request.reference,
        }),
        signal,
      });
      const text = await response.text();
      body = parseJson(text);
    } catch (error) {
      // Connection refused or reset, reply dropped, or the deadline aborted the request: whether the
      // provider charged is unknown here, and the retry with the same key finds out.
      throw new ProviderDownError(`payment provider unreachable: ${describeError(error)}`, {
        cause: error,
      });
    }
    const answer = readProviderAnswer(response.status, response.headers.get('retry-after'), body, Date.now());
    if (answer.kind === 'failed') throw new ProviderDownError(answer.reason);
    return answer;
  }

  /** The retryable catalogue error for a failure a retry may cure; anything else unchanged. */
  #unavailableOrRethrow(error: unknown): unknown {
    if (error instanceof ProviderDownError) {
      return BookshopErrors.providerUnavailable.create(error.message, undefined, { cause: error });
    }
    if (error instanceof TaskCancelledError) {
      return BookshopErrors.providerUnavailable.create(
        `payment provider did not answer within ${this.#options.timeoutMs} ms`,
        undefined,
        { cause: error },
      );
    }
    if (error instanceof BrokenCircuitError) {
      return BookshopErrors.providerUnavailable.create(
        'payment provider circuit is open after repeated failures',
        undefined,
        { cause: error },
      );
    }
    if (error instanceof BulkheadRejectedError) {
      return BookshopErrors.providerUnavailable.create(
        'too many charges waiting for the payment provider',
        undefined,
        { cause: error },
      );
    }
    return error;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch reports a refused connection as "fetch failed" with the system error as its cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
