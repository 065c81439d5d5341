import { describe, expect, it } from 'vitest';

import { SettingsError } from '@trellis/node-kit';

import { readPaymentsSettings } from './settings';

describe('readPaymentsSettings', () => {
  it('takes localhost defaults for unset and empty variables', () => {
    expect(readPaymentsSettings({ PAYMENTS_PROVIDER_TIMEOUT_MS: '' })).toEqual({
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/postgres',
      databaseSchema: 'payments',
      nodeId: undefined,
      providerUrl: 'http://127.0.0.1:4100',
      providerTimeoutMs: 2_000,
      providerConcurrency: 40,
      providerQueue: 100,
      breakerFailures: 5,
      breakerHalfOpenMs: 5_000,
      logLevel: 'info',
    });
  });

  it('reads the variables it is given and drops a trailing slash from the provider URL', () => {
    const settings = readPaymentsSettings({
      PAYMENT_PROVIDER_URL: 'https://pay.example.com/',
      PAYMENTS_PROVIDER_CONCURRENCY: '20',
      NODE_ID: 'payments-2',
    });
    expect(settings).toMatchObject({
      providerUrl: 'https://pay.example.com',
      providerConcurrency: 20,
      nodeId: 'payments-2',
    });
  });

  it('refuses a provider timeout not below the contract timeout and a bulkhead at the provider limit', () => {
    const load = () =>
      readPaymentsSettings({ PAYMENTS_PROVIDER_TIMEOUT_MS: '5000', PAYMENTS_PROVIDER_CONCURRENCY: '50' });
    expect(load).toThrow(SettingsError);
    expect(load).toThrow(/PAYMENTS_PROVIDER_TIMEOUT_MS/);
    expect(load).toThrow(/PAYMENTS_PROVIDER_CONCURRENCY/);
  });

  it('names the variable of a malformed URL or schema', () => {
    expect(() => readPaymentsSettings({ PAYMENT_PROVIDER_URL: 'ftp://x' })).toThrow(/PAYMENT_PROVIDER_URL/);
    expect(() => readPaymentsSettings({ PAYMENTS_DATABASE_SCHEMA: 'Pay-ments' })).toThrow(
      /PAYMENTS_DATABASE_SCHEMA/,
    );
  });
});
