// The cart node's settings: the settings every node has (node-kit) plus the cart's datasets. Read once, at start.
import { sharingSettings } from '@trellis/data';
import { commonNodeSettings, defineSettings, urlSetting, wholeNumber } from '@trellis/node-kit';
import { z } from 'zod';

const thirtyDaysS = 30 * 24 * 3600;

/**
 * The cart node's settings schema (read it with node-kit's `loadSettings` or `readSettings`):
 * - `SESSION_TTL_S` (3600): seconds a session lives after its last login, and a cart after its last change;
 * - `DATASET_SESSIONS_*` and `DATASET_CARTS_*`: each dataset's sharing strategy (see `sharingSettings`);
 * - `RING_PARTITIONS` (64): partitions of the cart family's ring; every cart node must use the same number;
 * - `MEMBERSHIP_DEAD_AFTER_MS` (3000): a cart node whose ring heartbeat is older than this is dead;
 * - `ANTI_ENTROPY_MS` (5000): how often share-everything datasets repair with every other node;
 * - `DATA_AMQP_URL` (`AMQP_URL`): the broker connection for replication, apart from requests;
 * - `NODE_FAMILY` and `NODE_TYPE` default to `cart` and `logic`, so a node also starts by hand.
 */
export const cartSettingsSchema = defineSettings(
  z.object({
    NODE_FAMILY: commonNodeSettings.shape.NODE_FAMILY.default('cart'),
    NODE_TYPE: commonNodeSettings.shape.NODE_TYPE.default('logic'),
    SESSION_TTL_S: z.coerce
      .number({ error: `must be a whole number of seconds from 1 to ${thirtyDaysS}` })
      .int({ error: `must be a whole number of seconds from 1 to ${thirtyDaysS}` })
      .min(1, { error: `must be a whole number of seconds from 1 to ${thirtyDaysS}` })
      .max(thirtyDaysS, { error: `must be a whole number of seconds from 1 to ${thirtyDaysS}` })
      .default(3600),
    ...sharingSettings('sessions'),
    ...sharingSettings('carts'),
    RING_PARTITIONS: wholeNumber(1, 4096, 64),
    MEMBERSHIP_DEAD_AFTER_MS: wholeNumber(300, 60_000, 3_000),
    ANTI_ENTROPY_MS: wholeNumber(100, 600_000, 5_000),
    DATA_AMQP_URL: urlSetting(['amqp:', 'amqps:'], 'amqp://guest:guest@127.0.0.1:5672').optional(),
  }),
);

/** Validated settings of a cart node. */
export type CartSettings = z.output<typeof cartSettingsSchema>;
