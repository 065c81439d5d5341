// The journeys the image test runs through the gateway once every pod is ready, besides its own check of the
// cluster view. `npm run remove-bookshop` empties this list (and deletes ./shopping-journey.ts).
import type { GatewayJourney } from './gateway-journey';
import { shoppingJourney } from './shopping-journey';

/** Every journey the image test runs, in order. */
export const gatewayJourneys: readonly GatewayJourney[] = [shoppingJourney];
