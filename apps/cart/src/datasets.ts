// The cart node's two datasets as its code declares them: name, value type, merge rule. How each is shared
// (nothing, something, everything) is configuration: DATASET_SESSIONS_SHARING and DATASET_CARTS_SHARING.
import { addWinsCart, defineDataset, singleValue } from '@trellis/data';
import type { DatasetDefinition } from '@trellis/data';
import type { Cart } from './cart';
import { cartSchema } from './cart';
import type { Session } from './session';
import { sessionSchema } from './session';

/** Both datasets for a time to live (seconds since the last write, sliding). */
export function cartDatasets(ttlSeconds: number): {
  sessions: DatasetDefinition<Session>;
  carts: DatasetDefinition<Cart>;
} {
  return {
    sessions: defineDataset({
      name: 'sessions',
      schema: sessionSchema,
      merge: singleValue<Session>(),
      ttlSeconds,
    }),
    // A cart lives as long as a session would: it expires once nobody can reach it.
    carts: defineDataset({ name: 'carts', schema: cartSchema, merge: addWinsCart, ttlSeconds }),
  };
}
