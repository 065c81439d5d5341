// Kubernetes resource quantities as numbers, so `1` and `1000m`, or `1Gi` and `1024Mi`, compare equal.

const SUFFIXES: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/**
 * The value of a quantity (`500m` → 0.5, `256Mi` → 268435456), or `undefined` when it is not one. Written
 * here rather than taken from a library because the grammar is small and the client libraries do not
 * export a parser.
 */
export function quantityValue(quantity: string | number): number | undefined {
  if (typeof quantity === 'number') return quantity;
  const match = QUANTITY.exec(quantity.trim());
  if (match === null) return undefined;
  const [, digits = '', suffix = ''] = match;
  const factor = SUFFIXES[suffix];
  return factor === undefined ? undefined : Number(digits) * factor;
}

/** Whether two quantities are equal (within a rounding error), e.g. `1` and `1000m`. */
export function sameQuantity(a: string | number, b: string | number): boolean {
  const left = quantityValue(a);
  const right = quantityValue(b);
  if (left === undefined || right === undefined) return false;
  return Math.abs(left - right) <= Math.max(Math.abs(left), Math.abs(right)) * 1e-9;
}
