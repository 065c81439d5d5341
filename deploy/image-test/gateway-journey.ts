// What a journey through the gateway is, for the image test's list of them (./gateway-journeys.ts).

/** A journey through the gateway: a name for the report, and a run that throws naming the step that failed. */
export interface GatewayJourney {
  readonly name: string;
  /** Runs the journey against the gateway at `gatewayUrl` within `deadlineMs`; resolves with report lines. */
  run(gatewayUrl: string, deadlineMs: number): Promise<readonly string[]>;
}
