// The catalog family's database as a Nest provider: opened and migrated before any handler is registered,
// closed only after the bus has drained.
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { openDatabase } from '@trellis/database';
import type { Database } from '@trellis/database';
import type { Logger } from 'pino';
import type { CatalogSettings } from './catalog-settings';

/** Injection token of the catalog's `Database`. */
export const catalogDatabase = Symbol('catalog:database');

/**
 * Opens the catalog's schema and runs its migrations (which also stock the shelf). Nodes starting together
 * are safe: the migration lock makes the others wait and then find nothing left to do.
 */
export async function openCatalogDatabase(
  settings: Pick<CatalogSettings, 'databaseUrl' | 'databaseSchema'>,
  logger: Logger,
): Promise<Database> {
  const db = await openDatabase({ url: settings.databaseUrl, schema: settings.databaseSchema });
  try {
    await db.migrate(join(__dirname, '../migrations'), logger);
  } catch (error) {
    // Nest never closes a provider whose factory failed, and an open pool would keep the process alive.
    await db.close().catch(() => undefined);
    throw error;
  }
  logger.info({ schema: db.schema }, 'catalog database migrated');
  return db;
}

/** Closes the pool at shutdown: `onApplicationShutdown` runs after the bus has let handlers in flight finish. */
@Injectable()
export class CatalogDatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(catalogDatabase) private readonly db: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
