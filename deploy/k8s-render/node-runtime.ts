// What every node container shares, whatever runs it (Kubernetes or compose): ports, user, timing.
// The manifests' ports, probes and grace period and the nodes' settings are derived from these, so they agree.

/** Every node's health server: `/health/live`, `/health/ready`, `/metrics` (HEALTH_PORT). */
export const HEALTH_PORT = 9000;
export const LIVE_PATH = '/health/live';
export const READY_PATH = '/health/ready';

/** The gateway's client port (GATEWAY_PORT). */
export const GATEWAY_PORT = 3000;

/** The payment-provider simulator's port (PAYMENT_PROVIDER_PORT); it serves its health routes there too. */
export const SIMULATOR_PORT = 4100;

/** The image's `node` user; the root filesystem is read-only, /tmp a small writable volume. */
export const NODE_USER_ID = 1000;
export const WRITABLE_PATH = '/tmp';

/** How long a node lets work in flight finish once told to stop (SHUTDOWN_TIMEOUT_MS). */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * A pause before SIGTERM so that endpoints and the broker's view drain first. Together with the shutdown
 * timeout it stays well inside the grace period, so a node is never killed in the middle of its own shutdown.
 */
export const PRE_STOP_PAUSE_S = 5;
export const TERMINATION_GRACE_PERIOD_S = 30;

if (PRE_STOP_PAUSE_S + SHUTDOWN_TIMEOUT_MS / 1000 >= TERMINATION_GRACE_PERIOD_S) {
  throw new Error('the grace period must exceed the pre-stop pause plus the nodes shutdown timeout');
}
