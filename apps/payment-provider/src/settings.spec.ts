import { describe, expect, it } from 'vitest';

import { loadSettings, SettingsError } from './settings';

describe('loadSettings', () => {
  it('falls back to the localhost defaults when nothing is set, and treats empty variables as unset', () => {
    const expected = {
      port: 4100,
      host: '127.0.0.1',
      maxInFlight: 50,
      shutdownTimeoutMs: 10_000,
      logLevel: 'info',
    };
    expect(loadSettings({})).toEqual(expected);
    expect(loadSettings({ PAYMENT_PROVIDER_PORT: '', PAYMENT_PROVIDER_HOST: ' ' })).toEqual(expected);
  });

  it('reads every variable', () => {
    expect(
      loadSettings({
        PAYMENT_PROVIDER_PORT: '0',
        PAYMENT_PROVIDER_HOST: '0.0.0.0',
        PAYMENT_PROVIDER_MAX_IN_FLIGHT: '5',
        PAYMENT_PROVIDER_SHUTDOWN_TIMEOUT_MS: '250',
        PAYMENT_PROVIDER_LOG_LEVEL: 'warn',
      }),
    ).toEqual({ port: 0, host: '0.0.0.0', maxInFlight: 5, shutdownTimeoutMs: 250, logLevel: 'warn' });
  });

  it.each([
    ['PAYMENT_PROVIDER_PORT', 'abc'],
    ['PAYMENT_PROVIDER_PORT', '65536'],
    ['PAYMENT_PROVIDER_PORT', '41.5'],
    ['PAYMENT_PROVIDER_MAX_IN_FLIGHT', '0'],
    ['PAYMENT_PROVIDER_SHUTDOWN_TIMEOUT_MS', '-1'],
    ['PAYMENT_PROVIDER_LOG_LEVEL', 'loud'],
  ])('refuses %s=%s with a message naming the variable and the value', (variable, value) => {
    const load = (): unknown => loadSettings({ [variable]: value });
    expect(load).toThrow(SettingsError);
    expect(load).toThrow(new RegExp(`${variable}: .*\\(got "${value.replace('.', '\\.')}"\\)`));
  });
});
