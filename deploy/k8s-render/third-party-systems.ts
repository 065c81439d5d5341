// The third-party systems nodes call over HTTP, and the simulators that stand in for them. A blueprint runs
// either the simulator (count 1 or more; its URL is then derived) or names the real system's URL in the
// client family's env.
import type { Blueprint, BlueprintProblem } from '@trellis/supervisor';

import { SIMULATOR_PORT } from './node-runtime';

/** A third-party system, its simulator family and the family that calls it. */
export interface ThirdPartySystem {
  /** The blueprint's external family that simulates it. */
  readonly simulator: string;
  /** The only family allowed to reach it (the NetworkPolicies say so too). */
  readonly client: string;
  /** The client's setting that holds its URL. */
  readonly urlVariable: string;
  /** The simulator's listening settings (it is no platform node: no node-kit settings). */
  readonly simulatorHostVariable: string;
  readonly simulatorPortVariable: string;
}

/** The payment provider: payments charges through it; apps/payment-provider simulates it. */
export const PAYMENT_PROVIDER: ThirdPartySystem = {
  simulator: 'payment-provider',
  client: 'payments',
  urlVariable: 'PAYMENT_PROVIDER_URL',
  simulatorHostVariable: 'PAYMENT_PROVIDER_HOST',
  simulatorPortVariable: 'PAYMENT_PROVIDER_PORT',
};

/** Every third-party system the bundle knows; an external family must simulate one of them. */
export const THIRD_PARTY_SYSTEMS: readonly ThirdPartySystem[] = [PAYMENT_PROVIDER];

/** Whether `blueprint` runs the simulator of `system`. */
export function runsSimulator(blueprint: Blueprint, system: ThirdPartySystem): boolean {
  return blueprint.families.some((family) => family.name === system.simulator && family.count > 0);
}

/** The URL of the simulator at `host` (a Service name, or a compose service name). */
export function simulatorUrl(host: string): string {
  return `http://${host}:${SIMULATOR_PORT}`;
}

/**
 * The URL the client reaches `system` at when the blueprint runs no simulator (from the client's env), or
 * undefined when it runs one.
 */
export function realSystemUrl(blueprint: Blueprint, system: ThirdPartySystem): URL | undefined {
  if (runsSimulator(blueprint, system)) return undefined;
  const value = blueprint.families.find((family) => family.name === system.client)?.env[system.urlVariable];
  return value === undefined ? undefined : new URL(value);
}

/** What a blueprint must say about the third-party systems for the bundle to deploy it. */
export function thirdPartyProblems(blueprint: Blueprint): BlueprintProblem[] {
  const problems: BlueprintProblem[] = [];
  for (const family of blueprint.families) {
    if (
      family.type === 'external' &&
      !THIRD_PARTY_SYSTEMS.some((system) => system.simulator === family.name)
    ) {
      problems.push({
        at: `families.${family.name}`,
        message: `is an external family the bundle knows no simulator for; known: ${THIRD_PARTY_SYSTEMS.map((system) => system.simulator).join(', ')}`,
      });
    }
  }
  for (const system of THIRD_PARTY_SYSTEMS) {
    const client = blueprint.families.find((family) => family.name === system.client);
    if (client === undefined) continue;
    const at = `families.${system.client}.env.${system.urlVariable}`;
    const url = client.env[system.urlVariable];
    if (runsSimulator(blueprint, system)) {
      if (url !== undefined) {
        problems.push({
          at,
          message: `is set by the bundle while the blueprint runs the ${system.simulator} simulator; remove it, or set the simulator's count to 0`,
        });
      }
    } else if (
      url === undefined ||
      !URL.canParse(url) ||
      !['http:', 'https:'].includes(new URL(url).protocol)
    ) {
      problems.push({
        at,
        message: `must be the http(s) URL of the real system, because the blueprint runs no ${system.simulator} simulator${url === undefined ? ' (missing)' : ` (got ${JSON.stringify(url)})`}`,
      });
    }
  }
  return problems;
}
