// The cart node's settings: the settings every node has (node-kit) plus the cart's datasets. Read once, at start.
import { commonNodeSettings, defineSettings } from '@trellis/node-kit';
import { z } from 'zod';

const thirtyDaysS = 30 * 24 * 3600;

/**
 * The cart node's settings schema (read it with node-kit's `loadSettings` or `readSettings`):
 * - `DATA_PREFIX` (trellis): the deployment's key prefix in Redis, so deployments sharing one Redis never
 *   see each other's sessions;
 * - `SESSION_TTL_S` (3600): seconds a session lives after its last login, and a cart after its last change;
 * - `NODE_FAMILY` and `NODE_TYPE` default to `cart` and `logic`, so a node also starts by hand.
 */
export const cartSettingsSchema = defineSettings(
  z.object({
    NODE_FAMILY: commonNodeSettings.shape.NODE_FAMILY.default('cart'),
    NODE_TYPE: commonNodeSettings.shape.NODE_TYPE.default('logic'),
    DATA_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, { error: 'may hold only letters, digits, "_", "-" and ".", e.g. trellis' })
      .default('trellis'),
    SESSION_TTL_S: z.coerce
      .number({ error: `must be a whole number of seconds from 1 to ${thirtyDaysS}` })
      .int({ error: `must be a whole number of seconds from 1 to ${thirtyDaysS}` })
      .min(1, { error: `must be a whole number of seconds from 1 to ${thirtyDaysS}` })
      .max(thirtyDaysS, { error: `must be a whole number of seconds from 1 to ${thirtyDaysS}` })
      .default(3600),
  }),
);

/** Validated settings of a cart node. */
export type CartSettings = z.output<typeof cartSettingsSchema>;
