// The blueprint's ratio check: how many nodes of one type run per node of another. A cluster whose counts
// break a ratio would start but not behave as designed (e.g. front-end nodes starved of logic nodes).
import type { NodeType, RatioName } from './blueprint-schema';
import type { BlueprintProblem } from './errors';

/** The bounds of one ratio; at least one is set. */
export interface RatioBounds {
  readonly min?: number | undefined;
  readonly max?: number | undefined;
}

/** What the ratio check needs to know about a family. */
export interface CountedFamily {
  readonly name: string;
  readonly type: NodeType;
  readonly count: number;
  /** The environment variable that set `count`, when it did not come from the file. */
  readonly countOverriddenBy?: string | undefined;
}

const TYPE_OF_WORD: Readonly<Record<string, NodeType>> = {
  frontEnd: 'front-end',
  logic: 'logic',
  service: 'service',
};

/** The two node types a ratio relates, the counted one first: `logicPerFrontEnd` → `['logic', 'front-end']`. */
export function typesOfRatio(name: RatioName): readonly [NodeType, NodeType] {
  const [of = '', per = ''] = name.split('Per');
  const perWord = per.charAt(0).toLowerCase() + per.slice(1);
  const ofType = TYPE_OF_WORD[of];
  const perType = TYPE_OF_WORD[perWord];
  if (ofType === undefined || perType === undefined) throw new Error(`ratio name ${name} names no node type`);
  return [ofType, perType];
}

function describeCounts(families: readonly CountedFamily[], types: readonly NodeType[]): string {
  const listed = families
    .filter((family) => types.includes(family.type))
    .map(
      (family) =>
        `${family.name}=${family.count}${family.countOverriddenBy ? ` (from ${family.countOverriddenBy})` : ''}`,
    );
  return listed.length > 0 ? listed.join(', ') : 'no families';
}

function describeBounds(bounds: RatioBounds): string {
  if (bounds.min !== undefined && bounds.max !== undefined) return `between ${bounds.min} and ${bounds.max}`;
  return bounds.min !== undefined ? `at least ${bounds.min}` : `at most ${String(bounds.max)}`;
}

/**
 * Checks each ratio against the families' counts and returns one problem (at `ratios.<name>`) per ratio that
 * does not hold. A ratio over no nodes at all holds; nodes of one type with none of the other do not,
 * because the ratio is then unbounded.
 */
export function checkRatios(
  families: readonly CountedFamily[],
  ratios: Readonly<Partial<Record<RatioName, RatioBounds>>>,
): BlueprintProblem[] {
  const problems: BlueprintProblem[] = [];
  for (const [name, bounds] of Object.entries(ratios) as [RatioName, RatioBounds | undefined][]) {
    if (bounds === undefined) continue;
    const [ofType, perType] = typesOfRatio(name);
    const total = (type: NodeType): number =>
      families.filter((family) => family.type === type).reduce((sum, family) => sum + family.count, 0);
    const of = total(ofType);
    const per = total(perType);
    if (of === 0 && per === 0) continue;
    const counts = describeCounts(families, [ofType, perType]);
    const wanted = `${ofType} nodes per ${perType} node must be ${describeBounds(bounds)}`;
    if (per === 0) {
      problems.push({
        at: `ratios.${name}`,
        message: `${wanted}, but there are ${of} ${ofType} nodes and no ${perType} node (${counts})`,
      });
      continue;
    }
    const actual = of / per;
    if (
      (bounds.min !== undefined && actual < bounds.min) ||
      (bounds.max !== undefined && actual > bounds.max)
    ) {
      problems.push({
        at: `ratios.${name}`,
        message: `${wanted}, but ${of} per ${per} is ${Number(actual.toFixed(3))} (${counts})`,
      });
    }
  }
  return problems;
}
