// A product name (kebab-case, `acme-shop`) in each spelling the workspace writes it in, and the checks a new
// scope and product name must pass before anything is rewritten.

/** The spellings of one product name. */
export interface NameForms {
  /** `acme-shop`: package, image, namespace and label values, the bus and data prefixes, URLs. */
  readonly kebab: string;
  /** `acme_shop`: SQL identifiers, shell variables, test schema names. */
  readonly snake: string;
  /** `ACME_SHOP`: environment variable names. */
  readonly upperSnake: string;
  /** `AcmeShop`: type and class names (`AcmeShopError`). */
  readonly pascal: string;
  /** `acmeShop`: variable names (`acmeShopError`). */
  readonly camel: string;
  /** `Acme Shop`: prose (README titles, the OpenAPI title). */
  readonly title: string;
}

/** The spellings of `kebab` (already validated). */
export function nameForms(kebab: string): NameForms {
  const words = kebab.split('-');
  const capitalised = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return {
    kebab,
    snake: words.join('_'),
    upperSnake: words.join('_').toUpperCase(),
    pascal: capitalised.join(''),
    camel: (words[0] ?? '') + capitalised.slice(1).join(''),
    title: capitalised.join(' '),
  };
}

// The longest derived name must stay a valid Kubernetes label value and DNS label (63 characters), e.g.
// `<product>-keda-user-credentials`, and a Postgres identifier (63 bytes), e.g. `<product>_bus_inbox_created_at_idx`.
const productMaxLength = 30;
const kebabCase = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
// npm's rules for a scope: lower case, URL-safe, not starting with a dot or an underscore.
const npmScope = /^[a-z0-9][a-z0-9._~-]*$/;
const scopeMaxLength = 50;

/** What is wrong with `scope` as an npm scope (without the `@`), or undefined when it is fine. */
export function scopeProblem(scope: string): string | undefined {
  if (scope.startsWith('@')) return `write the scope without "@": ${scope.slice(1)}`;
  if (scope.length === 0 || scope.length > scopeMaxLength)
    return `the scope must be 1 to ${scopeMaxLength} characters`;
  if (!npmScope.test(scope)) {
    return `"${scope}" is not an npm scope: lower-case letters, digits, "-", ".", "_" and "~", not starting with "." or "_"`;
  }
  return undefined;
}

/** What is wrong with `product` as a product name, or undefined when it is fine. */
export function productProblem(product: string): string | undefined {
  if (product.length === 0 || product.length > productMaxLength)
    return `the product name must be 1 to ${productMaxLength} characters (it prefixes Kubernetes and Postgres names)`;
  if (!kebabCase.test(product)) {
    return `"${product}" is not kebab-case: lower-case words of letters and digits joined by "-", starting with a letter (e.g. acme-shop)`;
  }
  return undefined;
}
