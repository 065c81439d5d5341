// The cart node's first import: settings read and telemetry registered before any other module of the node
// loads, so instrumentation sees every module load.
import { loadSettings, startTelemetry } from '@trellis/node-kit';
import { cartSettingsSchema } from './settings';

/** The node's validated settings; a bad setting has already stopped the process with a message naming it. */
export const settings = loadSettings(cartSettingsSchema);

/** The node's telemetry, flushed by `bootstrapNode` at shutdown. */
export const telemetry = startTelemetry(settings);
