// Where a node's /health/live and /health/ready listen: the settings that name the address and port.

/** The settings a node's health endpoints listen on, and their defaults when unset. */
export interface HealthListener {
  readonly host: string;
  readonly port: string;
  readonly defaultHost: string;
  /** 0 picks a free port, which no probe can name. */
  readonly defaultPort: number;
}

/** Platform nodes serve health on node-kit's health server (libs/node-kit settings.ts). */
const NODE_HEALTH: HealthListener = {
  host: 'HEALTH_HOST',
  port: 'HEALTH_PORT',
  defaultHost: '127.0.0.1',
  defaultPort: 0,
};

/** Simulators are no node-kit nodes: they serve /health/* on their own HTTP port (apps/<family>/src/settings.ts). */
const SIMULATOR_HEALTH: Readonly<Record<string, HealthListener>> = {
  'payment-provider': {
    host: 'PAYMENT_PROVIDER_HOST',
    port: 'PAYMENT_PROVIDER_PORT',
    defaultHost: '127.0.0.1',
    defaultPort: 4100,
  },
};

/** The health listener of a family's nodes. */
export function healthListenerOf(family: string): HealthListener {
  return SIMULATOR_HEALTH[family] ?? NODE_HEALTH;
}
