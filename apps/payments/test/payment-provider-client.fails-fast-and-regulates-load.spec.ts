// The provider client against a scripted HTTP server on loopback: a silent provider is cut off at the timeout,
// a failing one trips the circuit breaker, the bulkhead bounds requests in flight, and a 429's Retry-After
// holds back the next request.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import { BookshopErrors } from '@trellis/contracts';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';

import { PaymentProviderClient } from '../src/payment-provider.client';
import type { PaymentProviderClientOptions } from '../src/payment-provider.client';

type Script = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let script: Script;
/** Arrival times of the charge requests the server received. */
let arrivals: number[];
let inFlight = 0;
let peakInFlight = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    arrivals.push(Date.now());
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    response.once('close', () => (inFlight -= 1));
    script(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

beforeEach(() => {
  arrivals = [];
  peakInFlight = 0;
});

function client(overrides: Partial<PaymentProviderClientOptions> = {}): PaymentProviderClient {
  return new PaymentProviderClient({
    baseUrl,
    timeoutMs: 2_000,
    concurrency: 40,
    queue: 100,
    breakerFailures: 5,
    breakerHalfOpenMs: 60_000,
    maxRetryAfterWaitMs: 2_000,
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
}

function charged(response: ServerResponse): void {
  response.writeHead(201, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ id: 'ch_test', status: 'succeeded' }));
}

let keys = 0;
const charge = (provider: PaymentProviderClient) =>
  provider.charge({
    idempotencyKey: `key-${(keys += 1)}`,
    amountCents: 100,
    currency: 'EUR',
    reference: 'r',
  });

/** The error a promise rejected with, or a marker that it did not. */
const errorOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => new Error('resolved'),
    (error: unknown) => error,
  );

it('fails a request the provider does not answer as provider_unavailable at the timeout', async () => {
  script = () => undefined; // never answers
  const started = Date.now();

  const error = await errorOf(charge(client({ timeoutMs: 300 })));

  const elapsed = Date.now() - started;
  expect(BookshopErrors.providerUnavailable.is(error)).toBe(true);
  expect(elapsed).toBeGreaterThanOrEqual(280);
  expect(elapsed).toBeLessThan(1_500);
});

it('stops sending to a failing provider once the circuit is open, still answering retryable', async () => {
  script = (_request, response) => {
    response.writeHead(503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { type: 'api_error', code: 'provider_unavailable' } }));
  };
  const provider = client({ breakerFailures: 3 });

  const errors = [];
  for (let i = 0; i < 6; i += 1) errors.push(await errorOf(charge(provider)));

  process.stdout.write(
    `${JSON.stringify({ test: 'breaker', charges: 6, reachedProvider: arrivals.length })}\n`,
  );
  expect(errors.every((error) => BookshopErrors.providerUnavailable.is(error))).toBe(true);
  expect(arrivals).toHaveLength(3);
});

it('keeps requests in flight at the bulkhead limit and serves the rest from its queue', async () => {
  script = (_request, response) => void setTimeout(() => charged(response), 100);
  const provider = client({ concurrency: 5 });

  const results = await Promise.all(Array.from({ length: 20 }, () => charge(provider)));

  process.stdout.write(`${JSON.stringify({ test: 'bulkhead', charges: 20, peakInFlight })}\n`);
  expect(results.every((result) => result.status === 'succeeded')).toBe(true);
  expect(peakInFlight).toBe(5);
});

it('answers 429 as retryable with the Retry-After hint and holds the next request back until it passed', async () => {
  script = (_request, response) => {
    response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
    response.end(JSON.stringify({ error: { type: 'rate_limit_error', code: 'rate_limited' } }));
  };
  const provider = client();

  const refused = await errorOf(charge(provider));
  script = (_request, response) => charged(response);
  const result = await charge(provider);

  expect(BookshopErrors.providerUnavailable.is(refused)).toBe(true);
  expect(BookshopErrors.providerUnavailable.is(refused) && refused.data).toEqual({ retryAfterMs: 1_000 });
  expect(result.status).toBe('succeeded');
  const [first = 0, second = 0] = arrivals;
  expect(second - first).toBeGreaterThanOrEqual(950);
});

it('refuses at once, without a request, while a Retry-After longer than the attempt can wait runs', async () => {
  script = (_request, response) => {
    response.writeHead(429, { 'retry-after': '30' });
    response.end();
  };
  const provider = client();
  await errorOf(charge(provider));

  const error = await errorOf(charge(provider));

  expect(BookshopErrors.providerUnavailable.is(error)).toBe(true);
  expect(arrivals).toHaveLength(1);
});
