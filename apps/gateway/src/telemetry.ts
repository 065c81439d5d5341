// Loaded first by main.ts: reads the settings and registers OpenTelemetry before the gateway's own modules
// load, so that instrumentation sees every one of them and a request's trace continues over the bus.
import { loadSettings, startTelemetry, withNodeId } from '@trellis/node-kit';

import { gatewaySettingsSchema } from './settings';

/** The gateway's settings (a bad variable has already stopped the process with its name). */
export const settings = loadSettings(gatewaySettingsSchema);
/** The registered OpenTelemetry SDK. */
export const telemetry = startTelemetry(withNodeId(settings));
