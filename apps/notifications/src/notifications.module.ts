import { join } from 'node:path';
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { BusModule } from '@trellis/bus-nest';
import { orderConfirmed, sendSms } from '@trellis/contracts';
import type { Database } from '@trellis/database';
import { FamilyDatabaseModule } from '@trellis/node-kit';
import type { Logger } from 'pino';
import { NotificationGateway } from './notification-gateway';
import { NotificationLogRepository } from './notification-log.repository';
import type { NotificationsSettings } from './notifications-settings';
import { NotificationsHandlers } from './notifications.handlers';

/** Injection token of the notifications family's `Database`. */
export const notificationsDatabase = Symbol('notifications:database');

/** The notifications node's root module; build it with {@link createNotificationsModule}. */
@Module({})
export class NotificationsModule {}

/**
 * The notifications node as a Nest module: its bus, its migrated database, the rate-limited stand-in
 * gateway and the subscriptions to `notifications.sms` and `notifications.orderConfirmed`. The
 * application fails to start when the broker or the database cannot be reached.
 */
export function createNotificationsModule(settings: NotificationsSettings, logger: Logger): DynamicModule {
  return {
    module: NotificationsModule,
    imports: [
      BusModule.forRoot({
        url: settings.amqpUrl,
        prefix: settings.busPrefix,
        nodeId: settings.nodeId,
        logger,
        shutdownTimeoutMs: settings.shutdownTimeoutMs,
      }),
      FamilyDatabaseModule.forRoot({
        token: notificationsDatabase,
        family: 'notifications',
        url: settings.databaseUrl,
        schema: settings.databaseSchema,
        // Beside `src/` and `dist/` alike.
        migrations: join(__dirname, '../migrations'),
        logger,
      }),
    ],
    providers: [
      {
        provide: NotificationGateway,
        useFactory: (db: Database) =>
          new NotificationGateway(new NotificationLogRepository(db), {
            concurrentSends: settings.maxConcurrentSends,
            // The bus already bounds what one node takes on: each interface's prefetch. A queue that holds
            // all of it never refuses a message the node accepted; the excess waits in the broker's queues.
            queuedSends: sendSms.prefetch + orderConfirmed.prefetch,
          }),
        inject: [notificationsDatabase],
      },
      NotificationsHandlers,
    ],
  };
}
