import { readSettings, SettingsError } from '@trellis/node-kit';
import { describe, expect, it } from 'vitest';
import { cartSettingsSchema } from './settings';

describe('cartSettingsSchema', () => {
  it('starts a node by hand with localhost defaults, as a logic node of the cart family', () => {
    expect(readSettings(cartSettingsSchema, { SESSION_TTL_S: '' })).toMatchObject({
      NODE_ID: `cart-${process.pid}`,
      NODE_FAMILY: 'cart',
      NODE_TYPE: 'logic',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATA_PREFIX: 'trellis',
      SESSION_TTL_S: 3600,
    });
  });

  it('reads the cart variables that are set', () => {
    expect(
      readSettings(cartSettingsSchema, {
        DATA_PREFIX: 'staging.eu-1',
        SESSION_TTL_S: '60',
        NODE_ID: 'cart-7',
      }),
    ).toMatchObject({ DATA_PREFIX: 'staging.eu-1', SESSION_TTL_S: 60, NODE_ID: 'cart-7' });
  });

  it('refuses a bad prefix or time to live with a message naming each variable', () => {
    const attempt = () => readSettings(cartSettingsSchema, { SESSION_TTL_S: '1h', DATA_PREFIX: 'a b*' });
    expect(attempt).toThrow(SettingsError);
    expect(attempt).toThrow(/SESSION_TTL_S="1h": must be a whole number of seconds/);
    expect(attempt).toThrow(/DATA_PREFIX="a b\*": may hold only letters/);
    expect(() => readSettings(cartSettingsSchema, { SESSION_TTL_S: '0' })).toThrow(/SESSION_TTL_S="0"/);
  });
});
