// Registers OpenTelemetry before anything else loads: main.ts imports this file first, so instrumentation
// sees every module the node loads after it.
import { loadSettings, startTelemetry } from '@trellis/node-kit';

import { paymentsNodeSettings } from './node-settings';

/** The process's telemetry, flushed by bootstrapNode at shutdown. */
export const telemetry = startTelemetry(loadSettings(paymentsNodeSettings));
