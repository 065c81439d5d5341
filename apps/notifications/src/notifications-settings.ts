/** What a notifications node needs to run; `main.ts` reads it from the environment, tests build it directly. */
export interface NotificationsSettings {
  /** amqp:// URL of the broker (vhost included). */
  amqpUrl: string;
  /** Prefix of the bus's exchanges and queues. */
  busPrefix: string;
  /** This node's id, unique in the cluster. */
  nodeId: string;
  /** postgresql:// URL of the database holding the family's schema. */
  databaseUrl: string;
  /** The notifications family's own schema (`notifications` in a cluster; a throwaway one per test file). */
  databaseSchema: string;
  /** Sends in flight at once towards the (stand-in) SMS and e-mail providers, per node. */
  maxConcurrentSends: number;
  /** How long a closing node lets handlers in flight finish. */
  shutdownTimeoutMs: number;
}
