/** What an orders node needs to run; `main.ts` reads it from the environment, tests build it directly. */
export interface OrdersSettings {
  /** amqp:// URL of the broker (vhost included). */
  amqpUrl: string;
  /** Prefix of the bus's exchanges and queues. */
  busPrefix: string;
  /** This node's id, unique in the cluster. */
  nodeId: string;
  /** postgresql:// URL of the database holding the orders schema. */
  databaseUrl: string;
  /** The orders family's own schema: orders, inbox and outbox (`orders` in a cluster; one per test file). */
  databaseSchema: string;
  /** How long a closing node lets handlers in flight finish. */
  shutdownTimeoutMs: number;
  /** The longest a placed order waits for the catalog's prices. */
  priceBudgetMs: number;
  /** The longest a placed order waits for its charge before it is recorded pending. */
  chargeBudgetMs: number;
  /** Pause between two passes of the reconciler. */
  reconcileIntervalMs: number;
  /** Orders the reconciler takes on in one pass. */
  reconcileBatch: number;
}
