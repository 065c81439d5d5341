// Loaded first by main.ts: registers OpenTelemetry before the gateway's own modules load, so that
// instrumentation sees every one of them and a request's trace continues over the bus.
import { defineSettings, loadSettings, startTelemetry } from '@trellis/node-kit';
import { z } from 'zod';

const gatewayNodeEnvironment = defineSettings(
  z.object({
    NODE_FAMILY: z.literal('gateway', { error: 'must be gateway for this node' }).default('gateway'),
    NODE_TYPE: z.literal('front-end', { error: 'must be front-end for this node' }).default('front-end'),
  }),
);

/** The registered OpenTelemetry SDK (a bad variable has already stopped the process with its name). */
export const telemetry = startTelemetry(loadSettings(gatewayNodeEnvironment));
