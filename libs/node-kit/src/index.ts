// Public API of @trellis/node-kit: what every node needs at start. See the README for the main.ts pattern.

/** Settings from the environment, validated once: the common schema, a node's own, and the readers. */
export {
  commonNodeSettings,
  defineSettings,
  loadSettings,
  readSettings,
  urlSetting,
  wholeNumber,
  withNodeId,
} from './settings';
export type { Environment, NodeSettings } from './settings';
/** Thrown on bad settings, naming every bad variable; and the kit's error catalogue. */
export { NodeKitErrors, SettingsError } from './errors';
export type { SettingProblem } from './errors';

/** The node's pino logger. */
export { createLogger } from './logger';
export type { LoggerOptions } from './logger';

/** OpenTelemetry: the SDK registration (first thing in main.ts) and the bus counters as metrics. */
export { observeBusMetrics, startTelemetry } from './telemetry';
export type { Telemetry, TelemetrySettings } from './telemetry';

/** Liveness, readiness and metrics over plain HTTP, for any process. */
export { startHealthServer } from './health-server';
export type { HealthCheck, HealthServer, HealthServerOptions } from './health-server';

/** Starting and stopping a Nest node, and the bus options from the settings. */
export { bootstrapNode } from './bootstrap-node';
export type { BootstrapNodeOptions, RunningNode } from './bootstrap-node';
export { busOptionsFor } from './bus-options';
export type { BusSettings } from './bus-options';

/** A node family's own database: opened and migrated at start, closed at shutdown. */
export { FamilyDatabaseModule } from './family-database.module';
export type { FamilyDatabaseOptions } from './family-database.module';

/** One actionable line for a node that could not start. */
export { describeStartupFailure } from './startup-failure';
export type { StartupSettings } from './startup-failure';

/** Announces a node on the bus every few seconds (the cluster view's source). */
export { startHeartbeat } from './heartbeat';
export type { Heartbeat, NodeDescriptionExtras } from './heartbeat';
