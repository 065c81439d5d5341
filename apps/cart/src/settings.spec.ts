import { sharingOf } from '@trellis/data';
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
      DATASET_SESSIONS_SHARING: 'something',
      DATASET_CARTS_SHARING: 'something',
      RING_PARTITIONS: 64,
      MEMBERSHIP_DEAD_AFTER_MS: 3000,
      ANTI_ENTROPY_MS: 5000,
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

  it('reads the sharing of each dataset apart, and refuses a bad one naming the variable', () => {
    const settings = readSettings(cartSettingsSchema, {
      DATASET_SESSIONS_SHARING: 'everything',
      DATASET_CARTS_REPLICAS: '3',
      DATASET_CARTS_WRITE_ACKS: '2',
    });
    expect(sharingOf(settings, 'sessions')).toEqual({ strategy: 'everything', replicas: 0, writeAcks: 1 });
    expect(sharingOf(settings, 'carts')).toEqual({ strategy: 'something', replicas: 3, writeAcks: 2 });

    const attempt = () =>
      readSettings(cartSettingsSchema, {
        DATASET_CARTS_SHARING: 'all',
        DATASET_SESSIONS_REPLICAS: '9',
        MEMBERSHIP_DEAD_AFTER_MS: '100',
      });
    expect(attempt).toThrow(SettingsError);
    expect(attempt).toThrow(/DATASET_CARTS_SHARING="all": must be one of nothing, something, everything/);
    expect(attempt).toThrow(/DATASET_SESSIONS_REPLICAS="9": must be a whole number from 1 to 7/);
    expect(attempt).toThrow(/MEMBERSHIP_DEAD_AFTER_MS="100": must be a whole number from 300 to 60000/);
  });
});
