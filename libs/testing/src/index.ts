// Public API of @trellis/testing: helpers for tests that run real processes against real services.

/** A throwaway RabbitMQ vhost per test file: `createRabbitVhost(label)` and its handle. */
export { createRabbitVhost } from './rabbit-vhost';
/** The handle returned by `createRabbitVhost`: `{ vhost, url, delete() }`. */
export type { RabbitVhost } from './rabbit-vhost';

/** A throwaway PostgreSQL schema per test file, with a pool whose search_path is that schema. */
export { createPgSchema } from './pg-schema';
/** The handle returned by `createPgSchema`: `{ schema, connectionString, pool, drop() }`. */
export type { PgSchema } from './pg-schema';

/** Parent side: spawn a TypeScript script as a child node and wait for its ready signal. */
export { startNodeProcess, stopAllNodeProcesses } from './node-process';
/** The handle, options and exit status of a child started by `startNodeProcess`. */
export type { NodeProcess, NodeProcessExit, StartNodeProcessOptions } from './node-process';

/** Child side: signal readiness (and die with the parent), receive the parent's messages. */
export { isReadyMessage, onParentMessage, signalReady } from './parent-channel';
/** The ready signal a child sends to its parent test. */
export type { ReadyMessage } from './parent-channel';

/** Poll a probe until it yields a value or a deadline passes. */
export { waitFor } from './wait-for';
/** Options of `waitFor`: timeout, interval and a description for the error. */
export type { WaitForOptions } from './wait-for';

/** Restart the local RabbitMQ application, dropping every connection. */
export { restartBroker } from './restart-broker';

/** Benchmark entry points: settings from the environment, and an exit that always comes. */
export { cleanUpOnSignal, readBenchSettings, runBench } from './bench-entry';

/** A loopback port free right now, for a process a test starts and must reach. */
export { freePort } from './free-port';

/** Deletes every Redis key under `<prefix>:` (a test's DATA_PREFIX). */
export { deleteRedisPrefix } from './redis-prefix';

/** The local cluster as `npm start` runs it, as one child process: output, node events, a clean stop. */
export { spawnCluster } from './cluster-process';
/** The options, handle and exit report of `spawnCluster`, and its `node started` events. */
export type { ClusterExit, ClusterProcess, NodeStarted, SpawnClusterOptions } from './cluster-process';
