// Starts the gateway in the test's own process on port 0, against a bus the test owns.
import type { Bus } from '@trellis/bus';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';

import { createGatewayApp } from '../../src/app';
import { readGatewaySettings } from '../../src/settings';
import type { GatewaySettings } from '../../src/settings';

/** The secret the test gateways sign with, so tests can forge and sign tokens of their own. */
export const testSessionSecret = 'test-session-secret-0123456789abcdef';

/** A gateway listening on 127.0.0.1. */
export interface RunningGateway {
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** Quiet unless TRELLIS_TEST_VERBOSE=1. */
export function testLogger() {
  return pino({ level: process.env['TRELLIS_TEST_VERBOSE'] === '1' ? 'info' : 'silent' });
}

/** Starts a gateway with the default settings, the test secret and `overrides`, on a free port. */
export async function startGateway(
  bus: Bus,
  overrides: Partial<GatewaySettings> = {},
): Promise<RunningGateway> {
  const settings: GatewaySettings = {
    ...readGatewaySettings({}),
    port: 0,
    sessionSecret: testSessionSecret,
    ...overrides,
  };
  const app = await createGatewayApp(settings, bus, testLogger());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, app, close: () => app.close() };
}
