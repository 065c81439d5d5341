// The autoscalers' bounds, from the blueprint: a family never runs fewer nodes than its blueprint count, and
// never so many that a ratio between node types could break, however the families scale one by one.
import type { Blueprint, NodeType, RatioBounds, RatioName } from '@trellis/supervisor';
import { typesOfRatio } from '@trellis/supervisor';

/** How far a family scales above its count when no ratio bounds it sooner. */
export const MAX_SCALE_FACTOR = 4;

/** An autoscaler's bounds. */
export interface ScalingBounds {
  readonly min: number;
  readonly max: number;
}

/**
 * The blueprint's scale factor k: every family scales from its count up to floor(count × k), with one k for the
 * whole blueprint. Each family's autoscaler moves on its own, so a ratio "a nodes per b node between lo and hi"
 * must hold in the worst cases: a at its minimum with b at its maximum, and the other way round. With blueprint
 * totals A and B that is A / (k·B) ≥ lo and k·A / B ≤ hi, so
 *
 *   k = min( MAX_SCALE_FACTOR, over every ratio: (A/B) / lo and hi / (A/B) ).
 *
 * The blueprint itself satisfies every ratio (loadBlueprint checks it), so k ≥ 1. Rounding the maxima down
 * keeps both inequalities.
 */
export function scaleFactorOf(blueprint: Blueprint): number {
  const total = (type: NodeType): number =>
    blueprint.families
      .filter((family) => family.type === type)
      .reduce((sum, family) => sum + family.count, 0);
  let factor = MAX_SCALE_FACTOR;
  for (const [name, bounds] of Object.entries(blueprint.ratios) as [RatioName, RatioBounds | undefined][]) {
    if (bounds === undefined) continue;
    const [ofType, perType] = typesOfRatio(name);
    const of = total(ofType);
    const per = total(perType);
    if (per === 0) continue;
    const actual = of / per;
    if (bounds.min !== undefined && bounds.min > 0) factor = Math.min(factor, actual / bounds.min);
    if (bounds.max !== undefined && actual > 0) factor = Math.min(factor, bounds.max / actual);
  }
  return Math.max(1, factor);
}

/** A family's bounds: its count, and its count times the blueprint's scale factor, rounded down. */
export function scalingBoundsOf(count: number, factor: number): ScalingBounds {
  // The epsilon absorbs floating-point error (3 × 8/3 must give 8, not 7).
  return { min: count, max: Math.max(count, Math.floor(count * factor + 1e-9)) };
}
