// Loaded first by main.ts: reads the settings and registers OpenTelemetry before the node's own modules
// load, so that instrumentation sees every one of them.
import { loadSettings, startTelemetry } from '@trellis/node-kit';
import { catalogEnvironment } from './catalog-environment';

/** The node's validated settings; a bad variable has already stopped the process with its name. */
export const settings = loadSettings(catalogEnvironment);

/** The registered OpenTelemetry SDK, flushed by `bootstrapNode` at shutdown. */
export const telemetry = startTelemetry(settings);
