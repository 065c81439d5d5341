// A payments node in the test's own process (a Nest application context from createPaymentsModule), with a
// throwaway Postgres schema, and a caller's bus on the same vhost.
import { randomBytes } from 'node:crypto';

import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Bus } from '@trellis/bus';
import { openDatabase } from '@trellis/database';
import type { Database } from '@trellis/database';
import { createRabbitVhost } from '@trellis/testing';
import type { RabbitVhost } from '@trellis/testing';
import { pino } from 'pino';

import { createPaymentsModule } from '../../src/payments.module';
import { readPaymentsSettings } from '../../src/settings';

/** The local test database (trust authentication). */
const DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/test';

/** A running payments node, its caller, and a handle on its schema. */
export interface PaymentsTestNode {
  readonly app: INestApplicationContext;
  /** Another node's bus, calling payments.charge. */
  readonly caller: Bus;
  /** The payments node's schema, for reading its `charges` table. */
  readonly database: Database;
  /** Closes the node and the caller, drops the schema and deletes the vhost. */
  stop(): Promise<void>;
}

/** A row of the `charges` table. */
export interface ChargeRow {
  readonly idempotency_key: string;
  readonly order_id: string;
  readonly provider_charge_id: string | null;
  readonly amount_cents: number;
  readonly currency: string;
  readonly status: string;
}

/** Rows of the `charges` table for one order. */
export function chargeRowsOf(database: Database, orderId: string): Promise<ChargeRow[]> {
  return database.query<ChargeRow>(
    `SELECT idempotency_key, order_id, provider_charge_id, amount_cents, currency, status
       FROM charges WHERE order_id = $1`,
    [orderId],
  );
}

/**
 * Starts a payments node charging through `providerUrl`, with its own vhost and schema. `env` overrides
 * settings (e.g. the circuit breaker's timings).
 */
export async function startPaymentsNode(
  label: string,
  providerUrl: string,
  env: Record<string, string> = {},
): Promise<PaymentsTestNode> {
  const logger = pino({ level: process.env['TRELLIS_TEST_VERBOSE'] === '1' ? 'info' : 'silent' });
  const vhost: RabbitVhost = await createRabbitVhost(label);
  const schema = `payments_test_${randomBytes(4).toString('hex')}`;
  const settings = readPaymentsSettings({
    AMQP_URL: vhost.url,
    DATABASE_URL,
    PAYMENTS_DATABASE_SCHEMA: schema,
    NODE_ID: `payments-${label}`,
    PAYMENT_PROVIDER_URL: providerUrl,
    ...env,
  });
  const app = await NestFactory.createApplicationContext(createPaymentsModule(settings, { logger }), {
    logger: false,
    abortOnError: false,
  });
  const caller = await Bus.connect({ url: vhost.url, logger, nodeId: `orders-${label}` });
  const database = await openDatabase({ url: DATABASE_URL, schema });
  return {
    app,
    caller,
    database,
    async stop() {
      await caller.close();
      await app.close();
      await database.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await database.close();
      await vhost.delete();
    },
  };
}
