// Boots a notifications node the way a cluster would, with a caller node beside it, in a throwaway vhost
// and schema.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { Bus } from '@trellis/bus';
import type { PgSchema, RabbitVhost } from '@trellis/testing';
import { createPgSchema, createRabbitVhost } from '@trellis/testing';
import { createNotificationsModule } from '../src/notifications.module';

/** A running notifications node, a caller, and the services they use. */
export interface NotificationsHarness {
  app: INestApplicationContext;
  /** The notifications node's own bus, for its counters. */
  nodeBus: Bus;
  caller: Bus;
  schema: PgSchema;
  close(): Promise<void>;
}

/** One row of the notifications table, as a test reads it back. */
export interface NotificationRow {
  kind: string;
  recipient: string;
  body: string;
  order_id: string | null;
  message_id: string | null;
}

/** Starts a notifications node and a caller in a fresh vhost and schema named after `label`. */
export async function startNotificationsNode(label: string): Promise<NotificationsHarness> {
  const logger = pino({ level: 'silent' });
  const vhost: RabbitVhost = await createRabbitVhost(label);
  const schema = await createPgSchema(label);
  const app = await NestFactory.createApplicationContext(
    createNotificationsModule(
      {
        amqpUrl: vhost.url,
        busPrefix: 'trellis',
        nodeId: 'notifications-1',
        databaseUrl: 'postgresql://postgres@127.0.0.1:5432/test',
        databaseSchema: schema.schema,
        maxConcurrentSends: 4,
        shutdownTimeoutMs: 5_000,
      },
      logger,
    ),
    { logger: false, abortOnError: false },
  );
  const caller = await Bus.connect({ url: vhost.url, logger, nodeId: 'orders-1' });
  return {
    app,
    nodeBus: app.get(Bus),
    caller,
    schema,
    async close() {
      await caller.close();
      await app.close();
      await schema.drop();
      await vhost.delete();
    },
  };
}

/** Every notification the node recorded, oldest first. */
export async function recordedNotifications(schema: PgSchema): Promise<NotificationRow[]> {
  const result = await schema.pool.query<NotificationRow>(
    'SELECT kind, recipient, body, order_id, message_id FROM notifications ORDER BY id',
  );
  return result.rows;
}
