import { defineSettings } from '@trellis/node-kit';
import { z } from 'zod';

/**
 * The notifications node's environment: every node's common variables (AMQP_URL, DATABASE_URL, NODE_ID, …
 * with localhost defaults), the family and node type a node started by hand gets, the family's schema, and
 * how many sends one node may have in flight towards the SMS and e-mail providers.
 */
export const notificationsEnvironment = defineSettings(
  z.object({
    NODE_FAMILY: z
      .literal('notifications', { error: 'must be notifications for this node' })
      .default('notifications'),
    NODE_TYPE: z.literal('service', { error: 'must be service for this node' }).default('service'),
    DATABASE_SCHEMA: z
      .string()
      // The schema name reaches SQL unquoted in the migration runner, so only plain names are allowed.
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'must be a plain lower-case SQL name, e.g. notifications' })
      .default('notifications'),
    // Load regulation: 4 by default, a typical per-account concurrency limit of SMS and e-mail APIs.
    MAX_CONCURRENT_SENDS: z.coerce
      .number({ error: 'must be a whole number from 1 to 256' })
      .int({ error: 'must be a whole number from 1 to 256' })
      .min(1, { error: 'must be a whole number from 1 to 256' })
      .max(256, { error: 'must be a whole number from 1 to 256' })
      .default(4),
  }),
);
