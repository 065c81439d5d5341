import { readSettings, SettingsError } from '@trellis/node-kit';
import { describe, expect, it } from 'vitest';
import { ordersEnvironment } from './orders-environment';

function refusal(env: Record<string, string>): string {
  try {
    readSettings(ordersEnvironment, env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  return expect.fail('expected the settings to be refused');
}

describe('ordersEnvironment', () => {
  it('starts a node by hand on localhost with no variables set', () => {
    expect(readSettings(ordersEnvironment, {})).toMatchObject({
      NODE_FAMILY: 'orders',
      NODE_TYPE: 'logic',
      NODE_ID: `orders-${process.pid}`,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
      DATABASE_SCHEMA: 'orders',
      ORDERS_PRICE_BUDGET_MS: 2_000,
      ORDERS_CHARGE_BUDGET_MS: 4_000,
      ORDERS_RECONCILE_INTERVAL_MS: 2_000,
      ORDERS_RECONCILE_BATCH: 20,
    });
  });

  it('refuses budgets that would not fit in one orders.place attempt, naming each variable', () => {
    const message = refusal({ ORDERS_PRICE_BUDGET_MS: '2500', ORDERS_CHARGE_BUDGET_MS: '5000' });
    expect(message).toContain('ORDERS_PRICE_BUDGET_MS');
    expect(message).toContain('ORDERS_CHARGE_BUDGET_MS');
  });

  it('refuses a schema that is not plain SQL, another family, and a batch that is not a number', () => {
    const message = refusal({
      DATABASE_SCHEMA: 'Orders; DROP',
      NODE_FAMILY: 'cart',
      ORDERS_RECONCILE_BATCH: 'ten',
    });
    for (const variable of ['DATABASE_SCHEMA', 'NODE_FAMILY', 'ORDERS_RECONCILE_BATCH']) {
      expect(message).toContain(variable);
    }
  });
});
