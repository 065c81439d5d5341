// The orders family's database: its token and its node-kit module (opened and migrated at start, closed at
// shutdown after the bus).
import { join } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import { FamilyDatabaseModule } from '@trellis/node-kit';
import type { Logger } from 'pino';

/** Injection token of the orders family's `Database` (its schema, pool and migrations). */
export const ordersDatabase = Symbol('orders:database');

/** The orders family's database module for a database URL and schema. */
export function ordersDatabaseModule(
  settings: { databaseUrl: string; databaseSchema: string },
  logger: Logger,
): DynamicModule {
  return FamilyDatabaseModule.forRoot({
    token: ordersDatabase,
    family: 'orders',
    url: settings.databaseUrl,
    schema: settings.databaseSchema,
    // The SQL migrations of the orders schema, beside `src/` and `dist/` alike.
    migrations: join(__dirname, '..', 'migrations'),
    logger,
  });
}
