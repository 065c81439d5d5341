import { join } from 'node:path';
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import type { Database } from '@trellis/database';
import { openDatabase } from '@trellis/database';
import type { Logger } from 'pino';

/** Injection token of the orders family's `Database` (its schema, pool and migrations). */
export const ordersDatabase = Symbol('orders:database');

/** The SQL migrations of the orders schema, beside `src/` and `dist/` alike. */
export const ordersMigrations = join(__dirname, '..', 'migrations');

/** Closes the pool last: `onApplicationShutdown` runs after the bus has drained its handlers and outbox. */
@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(ordersDatabase) private readonly database: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

/**
 * The orders family's database as a Nest module: opened and migrated when the node starts (a database that is
 * unreachable or cannot be migrated stops the start), closed at shutdown after the bus.
 */
@Global()
@Module({})
export class OrdersDatabaseModule {
  /** The module for a database URL and schema. */
  static forSettings(
    settings: { databaseUrl: string; databaseSchema: string },
    logger: Logger,
  ): DynamicModule {
    return {
      module: OrdersDatabaseModule,
      global: true,
      providers: [
        {
          provide: ordersDatabase,
          useFactory: async (): Promise<Database> => {
            const database = await openDatabase({
              url: settings.databaseUrl,
              schema: settings.databaseSchema,
            });
            try {
              await database.migrate(ordersMigrations, logger);
            } catch (error) {
              await database.close();
              throw error;
            }
            return database;
          },
        },
        DatabaseCloser,
      ],
      exports: [ordersDatabase],
    };
  }
}
