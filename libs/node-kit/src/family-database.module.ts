// A node family's own database as a Nest module: opened and migrated at start, closed at shutdown.
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { openDatabase } from '@trellis/database';
import type { Database } from '@trellis/database';
import type { Logger } from 'pino';

/** What {@link FamilyDatabaseModule.forRoot} opens. */
export interface FamilyDatabaseOptions {
  /** Injection token the node's providers inject the `Database` by. */
  readonly token: symbol;
  /** The node family, named in the log line once migrated. */
  readonly family: string;
  /** postgresql:// URL of the database. */
  readonly url: string;
  /** The family's own schema. */
  readonly schema: string;
  /** Folder of the family's SQL migrations. */
  readonly migrations: string;
  readonly logger: Logger;
}

const openedDatabase = Symbol('node-kit:family-database');

/**
 * Opens the schema and runs its migrations; safe when several nodes start at once (the migration lock makes
 * the others wait, then find nothing left to do).
 */
async function openFamilyDatabase(options: FamilyDatabaseOptions): Promise<Database> {
  const db = await openDatabase({ url: options.url, schema: options.schema });
  try {
    await db.migrate(options.migrations, options.logger);
  } catch (error) {
    // Nest never closes a provider whose factory failed, and an open pool would keep the process alive.
    await db.close().catch(() => undefined);
    throw error;
  }
  options.logger.info({ schema: db.schema }, `${options.family} database migrated`);
  return db;
}

/** Closes the pool at shutdown: `onApplicationShutdown` runs after the bus has let handlers in flight finish. */
@Injectable()
class FamilyDatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(openedDatabase) private readonly db: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}

/**
 * The family's database for the whole application under `options.token`: a database that is unreachable or
 * cannot be migrated stops the start; the pool closes at shutdown, after the bus has drained.
 */
@Global()
@Module({})
export class FamilyDatabaseModule {
  static forRoot(options: FamilyDatabaseOptions): DynamicModule {
    return {
      module: FamilyDatabaseModule,
      global: true,
      providers: [
        { provide: openedDatabase, useFactory: () => openFamilyDatabase(options) },
        { provide: options.token, useExisting: openedDatabase },
        FamilyDatabaseCloser,
      ],
      exports: [options.token],
    };
  }
}
