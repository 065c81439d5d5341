/**
 * Where keyed work goes: the node that should handle `key` for the interface named `contractName`, or undefined for any node of the
 * family. The consistent-hash ring fills this in; until then every keyed call goes to the shared queue.
 */
export interface KeyRouter {
  nodeFor(contractName: string, key: string): string | undefined;
}

/** Routes every key to the family's shared queue. */
export const sharedQueueRouter: KeyRouter = { nodeFor: () => undefined };
