// The metadata a bus decorator leaves on a method, read back at bootstrap to register the handler.
import 'reflect-metadata';
import type { CallContract, MessageContract } from '@trellis/contracts';

/** Which interface a decorated method serves, and how. */
export type HandlerBinding =
  | { readonly kind: 'call'; readonly contract: CallContract }
  | { readonly kind: 'message'; readonly contract: MessageContract; readonly family: string | undefined };

// A string key rather than a symbol: Reflect metadata is global, so two copies of this lib in one process
// (source and built) still read each other's marks.
const bindingKey = 'trellis:bus-handler';

/** The binding recorded on a method by `@HandlesCall` or `@Subscribes`, if any. */
export function bindingOf(method: unknown): HandlerBinding | undefined {
  if (typeof method !== 'function') return undefined;
  return Reflect.getMetadata(bindingKey, method) as HandlerBinding | undefined;
}

/**
 * Records a binding on a decorated method. Throws at class definition when the decorator is not on a
 * method, when the contract is of the other kind, or when the method already serves an interface:
 * one method, one interface keeps the handler's types and its metrics unambiguous.
 */
export function recordBinding(
  decorator: string,
  target: object,
  methodName: string | symbol,
  method: unknown,
  binding: HandlerBinding,
): void {
  const where = `${target.constructor.name}.${String(methodName)}`;
  if (typeof method !== 'function') throw new Error(`@${decorator} goes on a method, not on ${where}`);
  if (binding.contract.kind !== binding.kind) {
    throw new Error(
      `@${decorator} on ${where} needs a ${binding.kind} contract; ${binding.contract.name} is a ${binding.contract.kind}`,
    );
  }
  const existing = bindingOf(method);
  if (existing !== undefined) {
    throw new Error(
      `${where} already serves ${existing.contract.name}; one method serves one interface (@${decorator}(${binding.contract.name}) refused)`,
    );
  }
  Reflect.defineMetadata(bindingKey, binding, method);
}
