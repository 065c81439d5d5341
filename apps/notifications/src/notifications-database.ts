// The notifications family's database as a Nest provider: opened and migrated before any handler is
// registered, closed only after the bus has drained.
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { openDatabase } from '@trellis/database';
import type { Database } from '@trellis/database';
import type { Logger } from 'pino';
import type { NotificationsSettings } from './notifications-settings';

/** Injection token of the notifications family's `Database`. */
export const notificationsDatabase = Symbol('notifications:database');

/** Opens the family's schema and runs its migrations; safe when several nodes start at once. */
export async function openNotificationsDatabase(
  settings: Pick<NotificationsSettings, 'databaseUrl' | 'databaseSchema'>,
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
  logger.info({ schema: db.schema }, 'notifications database migrated');
  return db;
}

/** Closes the pool at shutdown: `onApplicationShutdown` runs after the bus has let handlers in flight finish. */
@Injectable()
export class NotificationsDatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(notificationsDatabase) private readonly db: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
