// The payments node as a Nest module: its database, its bus (exactly-once, inbox in its own schema), the
// provider client and the handlers.
import { join } from 'node:path';

import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { BusOptions } from '@trellis/bus';
import { BusModule } from '@trellis/bus-nest';
import { chargeOrder } from '@trellis/contracts';
import type { Database } from '@trellis/database';
import { FamilyDatabaseModule } from '@trellis/node-kit';
import type { Logger } from 'pino';

import { createLogger } from './logger';
import { OrderCharging } from './order-charging';
import { PaymentProviderClient } from './payment-provider.client';
import { PaymentsHandlers } from './payments.handlers';
import type { PaymentsSettings } from './settings';

/** Injection token of the payments family's {@link Database}. */
export const PAYMENTS_DATABASE = Symbol('payments:database');

/** The SQL migrations of the family; the same relative place from `src/` and from `dist/`. */
const migrationsDir = join(__dirname, '..', 'migrations');

// Time left in one attempt of payments.charge for the database and the reply once the provider answered.
const REPLY_MARGIN_MS = 1_000;

/** Root module class of a payments node; build it with {@link createPaymentsModule}. */
@Module({})
export class PaymentsModule {}

/** Options of {@link createPaymentsModule}. */
export interface PaymentsModuleOptions {
  /** The node's root logger; one at the settings' level when omitted. */
  readonly logger?: Logger;
  /**
   * Bus options to start from (e.g. node-kit's `busOptionsFor`, which adds the prefix and the shutdown bound);
   * the broker URL, node id and logger from the settings otherwise. The exactly-once inbox is always added.
   */
  readonly bus?: Omit<BusOptions, 'exactlyOnce'>;
}

/**
 * The payments node's root module for `settings`: opens the family's schema and migrates it at start, connects
 * the bus with the exactly-once inbox in that schema, and serves `payments.charge`. Shutting the application
 * down drains the bus first, then closes the database.
 */
export function createPaymentsModule(
  settings: PaymentsSettings,
  options: PaymentsModuleOptions = {},
): DynamicModule {
  const logger = options.logger ?? createLogger(settings.logLevel);

  const database = FamilyDatabaseModule.forRoot({
    token: PAYMENTS_DATABASE,
    family: 'payments',
    url: settings.databaseUrl,
    schema: settings.databaseSchema,
    migrations: migrationsDir,
    logger,
  });

  return {
    module: PaymentsModule,
    imports: [
      database,
      BusModule.forRootAsync({
        imports: [database],
        inject: [PAYMENTS_DATABASE],
        useFactory: (db: Database): BusOptions => ({
          ...(options.bus ?? {
            url: settings.amqpUrl,
            logger,
            ...(settings.nodeId === undefined ? {} : { nodeId: settings.nodeId }),
          }),
          exactlyOnce: { pool: db.pool, schema: db.schema },
        }),
      }),
    ],
    providers: [
      {
        provide: PaymentProviderClient,
        useFactory: () =>
          new PaymentProviderClient({
            baseUrl: settings.providerUrl,
            timeoutMs: settings.providerTimeoutMs,
            concurrency: settings.providerConcurrency,
            queue: settings.providerQueue,
            breakerFailures: settings.breakerFailures,
            breakerHalfOpenMs: settings.breakerHalfOpenMs,
            // A Retry-After wait plus the request itself must still fit in the attempt.
            maxRetryAfterWaitMs: Math.max(
              0,
              chargeOrder.timeoutMs - settings.providerTimeoutMs - REPLY_MARGIN_MS,
            ),
            logger: logger.child({ component: 'payment-provider-client' }),
          }),
      },
      {
        provide: OrderCharging,
        useFactory: (provider: PaymentProviderClient) => new OrderCharging(provider),
        inject: [PaymentProviderClient],
      },
      PaymentsHandlers,
    ],
  };
}
