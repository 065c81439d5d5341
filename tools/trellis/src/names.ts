// The names a generator derives from what the user typed, and the rules those names follow.

/** A node family the generators can create: one lower-case word, because it is also its interfaces' family. */
export const nodeNamePattern = /^[a-z][a-z0-9]*$/;

/** An interface name, `family.verb` in camelCase words (the rule `defineCall` enforces). */
export const interfaceNamePattern = /^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/;

/** `inventory` → `Inventory`, `setItem` → `SetItem`. */
export function pascalCase(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The names one interface of a node gets in the contracts and the handlers. */
export interface InterfaceNames {
  /** `inventory.reserve` */
  readonly interfaceName: string;
  readonly family: string;
  /** The handler method: `reserve`. */
  readonly verb: string;
  /** The contract's exported constant, verb first like `getBook` or `chargeOrder`: `reserveInventory`. */
  readonly contractConst: string;
}

/** The names of `family.verb`; call it only on a name that matches {@link interfaceNamePattern}. */
export function interfaceNames(interfaceName: string): InterfaceNames {
  const [family = '', verb = ''] = interfaceName.split('.');
  return { interfaceName, family, verb, contractConst: `${verb}${pascalCase(family)}` };
}
