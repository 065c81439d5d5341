// The settings every node reads (node-kit's), with this family's defaults so the node also starts by hand.
import { defineSettings } from '@trellis/node-kit';
import { z } from 'zod';

/** node-kit's common node settings, `NODE_FAMILY` defaulting to `payments` and `NODE_TYPE` to `service`. */
export const paymentsNodeSettings = defineSettings(
  z.object({
    NODE_FAMILY: z.string().default('payments'),
    NODE_TYPE: z.enum(['front-end', 'logic', 'service', 'external']).default('service'),
  }),
);
