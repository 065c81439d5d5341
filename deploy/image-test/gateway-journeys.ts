// The journeys the image test runs through the gateway once every pod is ready, besides its own check of the
// cluster view. `npm run remove-bookshop` empties this list (and deletes ./shopping-journey.ts).
import { shoppingJourney } from './shopping-journey';

/** A journey through the gateway: a name for the report, and a run that throws naming the step that failed. */
export interface GatewayJourney {
  readonly name: string;
  /** Runs the journey against the gateway at `gatewayUrl` within `deadlineMs`; resolves with report lines. */
  run(gatewayUrl: string, deadlineMs: number): Promise<readonly string[]>;
}

/** Every journey the image test runs, in order. */
export const gatewayJourneys: readonly GatewayJourney[] = [shoppingJourney];
