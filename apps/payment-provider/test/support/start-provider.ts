// Starts the simulator in the test's own process on a free loopback port.
import type { FastifyInstance } from 'fastify';

import { buildProviderApp } from '../../src/app';
import type { ProviderAppOptions } from '../../src/app';

/** A simulator listening on 127.0.0.1. */
export interface RunningProvider {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly app: FastifyInstance;
  /** Closes the server, letting requests in flight finish. */
  stop(): Promise<void>;
}

/** Builds the simulator with `options` and listens on port 0 of the loopback interface. */
export async function startProvider(options: ProviderAppOptions = {}): Promise<RunningProvider> {
  const app = buildProviderApp(options);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, app, stop: () => app.close() };
}
