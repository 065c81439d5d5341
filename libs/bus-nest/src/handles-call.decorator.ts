import type { CallHandler } from '@trellis/bus';
import type { CallContract } from '@trellis/contracts';
import { recordBinding } from './handler-binding';

/**
 * Marks a provider method as this node's handler of a request/reply interface. At application bootstrap
 * the method is registered with `bus.handle(contract, …)`, bound to its provider instance.
 * The compiler checks the method against the contract: it must be a `CallHandler<typeof contract>`,
 * i.e. `(request, context) => reply | Promise<reply>` with the contract's validated request and its reply.
 * Throws at class definition if the method already serves another interface.
 */
export function HandlesCall<C extends CallContract>(
  contract: C,
): <M extends CallHandler<C>>(
  target: object,
  methodName: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void {
  return (target, methodName, descriptor) => {
    recordBinding('HandlesCall', target, methodName, descriptor.value, { kind: 'call', contract });
  };
}
