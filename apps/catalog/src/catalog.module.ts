import { join } from 'node:path';
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { BusModule } from '@trellis/bus-nest';
import type { Database } from '@trellis/database';
import { FamilyDatabaseModule } from '@trellis/node-kit';
import type { Logger } from 'pino';
import { BookRepository } from './book.repository';
import type { CatalogSettings } from './catalog-settings';
import { CatalogHandlers } from './catalog.handlers';

/** Injection token of the catalog family's `Database`. */
export const catalogDatabase = Symbol('catalog:database');

/** The catalog node's root module; build it with {@link createCatalogModule}. */
@Module({})
export class CatalogModule {}

/**
 * The catalog node as a Nest module: its bus, its migrated database and its handlers of `catalog.list`,
 * `catalog.get` and `catalog.price`. The application fails to start when the broker or the database cannot
 * be reached, rather than running a node that serves nothing.
 */
export function createCatalogModule(settings: CatalogSettings, logger: Logger): DynamicModule {
  return {
    module: CatalogModule,
    imports: [
      BusModule.forRoot({
        url: settings.amqpUrl,
        prefix: settings.busPrefix,
        nodeId: settings.nodeId,
        logger,
        shutdownTimeoutMs: settings.shutdownTimeoutMs,
      }),
      FamilyDatabaseModule.forRoot({
        token: catalogDatabase,
        family: 'catalog',
        url: settings.databaseUrl,
        schema: settings.databaseSchema,
        // Beside `src/` and `dist/` alike.
        migrations: join(__dirname, '../migrations'),
        logger,
      }),
    ],
    providers: [
      {
        provide: BookRepository,
        useFactory: (db: Database) => new BookRepository(db),
        inject: [catalogDatabase],
      },
      CatalogHandlers,
    ],
  };
}
