// What discovery finds, and the check that a node serves each interface once, kept apart from Nest so it
// can be tested without an application.
import type { HandlerContext } from '@trellis/bus';
import { familyOf } from '@trellis/contracts';
import type { HandlerBinding } from './handler-binding';

/** A decorated method found on a provider instance, bound to that instance. */
export interface DiscoveredHandler {
  readonly className: string;
  readonly methodName: string;
  readonly binding: HandlerBinding;
  readonly handler: (request: unknown, context: HandlerContext) => unknown;
}

/** What makes two registrations the same consumer on this node: the interface, and for messages the family. */
function servedInterface(binding: HandlerBinding): string {
  if (binding.kind === 'call') return binding.contract.name;
  return `${binding.contract.name} (family ${binding.family ?? familyOf(binding.contract)})`;
}

/**
 * Throws, naming every class, method and interface involved, when one interface is served by more than one
 * method on this node. Two handlers of one interface on one node would share its deliveries at random,
 * which is never what the author meant.
 */
export function assertEachInterfaceOnce(handlers: readonly DiscoveredHandler[]): void {
  const byInterface = new Map<string, string[]>();
  for (const { className, methodName, binding } of handlers) {
    const served = servedInterface(binding);
    byInterface.set(served, [...(byInterface.get(served) ?? []), `${className}.${methodName}`]);
  }
  const clashes = [...byInterface]
    .filter(([, methods]) => methods.length > 1)
    .map(([served, methods]) => `${served} is handled by ${methods.join(' and ')}`);
  if (clashes.length > 0) {
    throw new Error(`a node serves each bus interface once: ${clashes.join('; ')}`);
  }
}
