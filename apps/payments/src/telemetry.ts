// Reads the settings and registers OpenTelemetry before anything else loads: main.ts imports this file first,
// so instrumentation sees every module the node loads after it.
import { loadSettings, startTelemetry, withNodeId } from '@trellis/node-kit';

import { paymentsSettingsSchema } from './settings';

/** The node's settings (bad ones have already stopped the process, naming each variable). */
export const settings = loadSettings(paymentsSettingsSchema);
/** The same with the node id node-kit derives when `NODE_ID` is unset. */
export const nodeSettings = withNodeId(settings);
/** The process's telemetry, flushed by bootstrapNode at shutdown. */
export const telemetry = startTelemetry(nodeSettings);
