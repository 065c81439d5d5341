import { placeOrder } from '@trellis/contracts';
import { defineSettings } from '@trellis/node-kit';
import { z } from 'zod';

// The price and charge budgets are bounded one by one so that together they always fit in three quarters of
// one orders.place attempt: the rest is for the transaction, the inbox and the reply. A longer budget would
// have the caller time out and retry while the first attempt still holds the order's key.
const priceBudgetMaxMs = Math.floor(placeOrder.timeoutMs * 0.25);
const chargeBudgetMaxMs = Math.floor(placeOrder.timeoutMs * 0.5);

function milliseconds(minimum: number, maximum: number, fallback: number) {
  const allowed = `must be a whole number of milliseconds from ${minimum} to ${maximum}`;
  return z.coerce
    .number({ error: allowed })
    .int({ error: allowed })
    .min(minimum, { error: allowed })
    .max(maximum, { error: allowed })
    .default(fallback);
}

/**
 * The orders node's environment: every node's common variables (AMQP_URL, DATABASE_URL, NODE_ID, … with
 * localhost defaults), the family and node type a node started by hand gets, the orders schema, the budgets
 * of the calls a placed order waits for, and the reconciler's pace.
 */
export const ordersEnvironment = defineSettings(
  z.object({
    NODE_FAMILY: z.literal('orders', { error: 'must be orders for this node' }).default('orders'),
    NODE_TYPE: z.literal('logic', { error: 'must be logic for this node' }).default('logic'),
    DATABASE_SCHEMA: z
      .string()
      // The schema name reaches SQL unquoted in the migration runner, so only plain names are allowed.
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'must be a plain lower-case SQL name, e.g. orders' })
      .default('orders'),
    ORDERS_PRICE_BUDGET_MS: milliseconds(100, priceBudgetMaxMs, priceBudgetMaxMs),
    ORDERS_CHARGE_BUDGET_MS: milliseconds(100, chargeBudgetMaxMs, chargeBudgetMaxMs),
    ORDERS_RECONCILE_INTERVAL_MS: milliseconds(10, 3_600_000, 2_000),
    ORDERS_RECONCILE_BATCH: z.coerce
      .number({ error: 'must be a whole number from 1 to 1000' })
      .int({ error: 'must be a whole number from 1 to 1000' })
      .min(1, { error: 'must be a whole number from 1 to 1000' })
      .max(1_000, { error: 'must be a whole number from 1 to 1000' })
      .default(20),
  }),
);
