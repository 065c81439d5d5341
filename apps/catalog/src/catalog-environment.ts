import { defineSettings } from '@trellis/node-kit';
import { z } from 'zod';

/**
 * The catalog node's environment: every node's common variables (AMQP_URL, DATABASE_URL, NODE_ID, … with
 * localhost defaults), the family and node type a node started by hand gets, and the catalog's schema.
 */
export const catalogEnvironment = defineSettings(
  z.object({
    NODE_FAMILY: z.literal('catalog', { error: 'must be catalog for this node' }).default('catalog'),
    NODE_TYPE: z.literal('service', { error: 'must be service for this node' }).default('service'),
    DATABASE_SCHEMA: z
      .string()
      // The schema name reaches SQL unquoted in the migration runner, so only plain names are allowed.
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'must be a plain lower-case SQL name, e.g. catalog' })
      .default('catalog'),
  }),
);
