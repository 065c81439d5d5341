// Public API of @trellis/supervisor: the cluster blueprint and the supervisor that runs it locally.

/** Parse and validate a blueprint (`parseBlueprint`), or read one from a file (`loadBlueprint`). */
export { countVariableOf, loadBlueprint, parseBlueprint } from './blueprint';
/** A validated blueprint and one of its families. */
export type { Blueprint, Family } from './blueprint';
/** The node types, resource profiles and ratio names a blueprint may use. */
export { NODE_TYPES, PROFILES, RATIO_NAMES } from './blueprint-schema';
/** A family's node type, resource profile, and a ratio's name. */
export type { NodeType, Profile, RatioName } from './blueprint-schema';
/** The bounds of a ratio in a blueprint, and the two node types a ratio relates. */
export type { RatioBounds } from './ratios';
export { typesOfRatio } from './ratios';
/** The supervisor's error catalogue and the shape of one blueprint problem. */
export { SupervisorErrors } from './errors';
export type { BlueprintProblem } from './errors';

/** One child spec per node of a blueprint, and the families skipped for a missing entry file. */
export { childSpecsOf } from './child-specs';
export type { ChildSpecsOptions, SkippedFamily } from './child-specs';

/** The one-for-one supervisor with restart backoff, restart intensity and graceful stop. */
export { Supervisor } from './supervisor';
export type {
  ChildExitedEvent,
  ChildSpec,
  ChildStartedEvent,
  ChildStatus,
  GaveUpEvent,
  RestartIntensityOptions,
  SupervisorEvents,
  SupervisorOptions,
  SupervisorOutcome,
} from './supervisor';
/** Where children's prefixed output lines go, and the default sink. */
export { writeToProcessStreams } from './child-output';
export type { ChildOutputLine, OutputSink } from './child-output';
/** The delay schedule between restarts of one child. */
export type { RestartBackoffOptions } from './restart-backoff';

/** The local cluster runner behind `npm start`. */
export { runCluster } from './run-cluster';
