/** What a catalog node needs to run; `main.ts` reads it from the environment, tests build it directly. */
export interface CatalogSettings {
  /** amqp:// URL of the broker (vhost included). */
  amqpUrl: string;
  /** Prefix of the bus's exchanges and queues. */
  busPrefix: string;
  /** This node's id, unique in the cluster. */
  nodeId: string;
  /** postgresql:// URL of the database holding the catalog's schema. */
  databaseUrl: string;
  /** The catalog family's own schema (`catalog` in a cluster; a throwaway one per test file). */
  databaseSchema: string;
  /** How long a closing node lets handlers in flight finish. */
  shutdownTimeoutMs: number;
}
