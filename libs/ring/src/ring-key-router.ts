import type { KeyRouter } from '@trellis/bus';
import type { Membership } from './membership';
import type { RingObserver } from './ring-observer';

/**
 * The bus's keyed routing from the ring: a call routed by key goes to the node that owns the key's partition
 * under the ring this node last saw. `byInterfaceFamily` names, per interface family (the part of a contract
 * name before the dot, e.g. `sessions` and `cart`), the membership of the node family that serves it (the cart
 * family for both). While no ring is known yet (or for an interface family not listed) the call goes to the
 * family's shared queue, where any node takes it.
 */
export function ringKeyRouter(
  byInterfaceFamily: Readonly<Record<string, Pick<Membership | RingObserver, 'preferenceList'>>>,
): KeyRouter {
  return {
    nodeFor: (contractName, key) => {
      const membership = byInterfaceFamily[contractName.slice(0, contractName.indexOf('.'))];
      return membership?.preferenceList(key, 1)[0];
    },
  };
}
