import type { MessageHandler } from '@trellis/bus';
import type { MessageContract } from '@trellis/contracts';
import { recordBinding } from './handler-binding';

/** Options of `@Subscribes`. */
export interface SubscribesOptions {
  /** The subscribing node family (default: the contract's own family, as in `bus.subscribe`). */
  family?: string;
}

/**
 * Marks a provider method as this node's handler of a one-way interface. At application bootstrap the
 * method is registered with `bus.subscribe(contract, …, family)`, bound to its provider instance.
 * The compiler checks the method against the contract: it must be a `MessageHandler<typeof contract>`,
 * i.e. `(message, context) => void | Promise<void>`.
 * Throws at class definition if the method already serves another interface.
 */
export function Subscribes<C extends MessageContract>(
  contract: C,
  options: SubscribesOptions = {},
): <M extends MessageHandler<C>>(
  target: object,
  methodName: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void {
  return (target, methodName, descriptor) => {
    recordBinding('Subscribes', target, methodName, descriptor.value, {
      kind: 'message',
      contract,
      family: options.family,
    });
  };
}
