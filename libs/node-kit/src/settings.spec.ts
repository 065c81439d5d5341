import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { SettingsError } from './errors';
import { commonNodeSettings, defineSettings, readSettings } from './settings';

const cartSettings = defineSettings(
  z.object({
    NODE_FAMILY: commonNodeSettings.shape.NODE_FAMILY.default('cart'),
    NODE_TYPE: commonNodeSettings.shape.NODE_TYPE.default('logic'),
    CART_TTL_S: z.coerce.number().int().positive().default(60),
    CART_AUDIT: z.stringbool().default(false),
  }),
);

function errorOf(run: () => unknown): SettingsError {
  try {
    run();
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

describe('readSettings', () => {
  it('gives every variable its localhost default and derives the node id and service name from the family', () => {
    expect(readSettings(cartSettings, {})).toEqual({
      NODE_ID: `cart-${process.pid}`,
      NODE_FAMILY: 'cart',
      NODE_TYPE: 'logic',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      BUS_PREFIX: 'trellis',
      BUS_START_ATTEMPTS: 20,
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATA_PREFIX: 'trellis',
      HEALTH_PORT: 0,
      HEALTH_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      OTEL_SERVICE_NAME: 'cart',
      CART_TTL_S: 60,
      CART_AUDIT: false,
    });
  });

  it('coerces numbers and booleans, treats an empty variable as unset and keeps given ids', () => {
    const settings = readSettings(cartSettings, {
      NODE_ID: 'cart-7',
      NODE_FAMILY: 'cart',
      HEALTH_PORT: '9464',
      CART_TTL_S: '30',
      CART_AUDIT: 'true',
      LOG_LEVEL: '',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SERVICE_NAME: 'cart-service',
    });
    expect(settings).toMatchObject({
      NODE_ID: 'cart-7',
      HEALTH_PORT: 9464,
      CART_TTL_S: 30,
      CART_AUDIT: true,
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SERVICE_NAME: 'cart-service',
    });
  });

  it('names every bad variable with its value and what it allows, in one message', () => {
    const error = errorOf(() =>
      readSettings(cartSettings, {
        HEALTH_PORT: 'eighty',
        NODE_TYPE: 'gateway',
        AMQP_URL: 'http://guest:secret@127.0.0.1:5672',
        SHUTDOWN_TIMEOUT_MS: '-5',
        CART_AUDIT: 'maybe',
      }),
    );
    expect(error.code).toBe('node-kit.invalid_settings');
    expect(error.retryable).toBe(false);
    expect(error.problems.map((problem) => problem.variable).sort()).toEqual([
      'AMQP_URL',
      'CART_AUDIT',
      'HEALTH_PORT',
      'NODE_TYPE',
      'SHUTDOWN_TIMEOUT_MS',
    ]);
    expect(error.message).toContain('HEALTH_PORT="eighty": must be a whole number from 0 to 65535');
    expect(error.message).toContain(
      'NODE_TYPE="gateway": must be one of front-end, logic, service, external',
    );
    expect(error.message).toContain('SHUTDOWN_TIMEOUT_MS="-5": must be a whole number, 1 or more');
    expect(error.message).toContain('CART_AUDIT="maybe"');
    // The password of a bad URL is not printed.
    expect(error.message).toContain(
      'AMQP_URL="http://guest:***@127.0.0.1:5672": must be a URL starting with amqp:// or amqps://',
    );
    expect(error.message).not.toContain('secret');
  });

  it('reports a required variable as unset when the node gives it no default', () => {
    const error = errorOf(() => readSettings(commonNodeSettings, { NODE_FAMILY: 'Cart Service' }));
    expect(error.message).toContain('NODE_FAMILY="Cart Service": must be kebab-case');
    expect(error.message).toContain('NODE_TYPE (unset): must be one of front-end, logic, service, external');
    // The node id is derived, so it is not a second complaint about the same mistake.
    expect(error.problems.map((problem) => problem.variable)).toEqual(['NODE_FAMILY', 'NODE_TYPE']);
  });
});
