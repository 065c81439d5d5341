// The autoscalers move each family on its own between its blueprint count and floor(count × k). Promise: for
// any blueprint whose counts satisfy its ratios, every ratio still holds in the worst combinations the
// autoscalers can reach (one node type at its minimum, the other at its maximum), and k is never below 1.
import type { Blueprint, Family, NodeType, RatioBounds, RatioName } from '@trellis/supervisor';
import { RATIO_NAMES } from '@trellis/supervisor';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { MAX_SCALE_FACTOR, scaleFactorOf, scalingBoundsOf } from '../k8s-render/scaling-bounds';

const TYPES = ['front-end', 'logic', 'service'] as const;
const WORD: Record<string, (typeof TYPES)[number]> = {
  frontEnd: 'front-end',
  logic: 'logic',
  service: 'service',
};

function typesOf(name: RatioName): [NodeType, NodeType] {
  const [of = '', per = ''] = name.split('Per');
  return [WORD[of] ?? 'logic', WORD[per.charAt(0).toLowerCase() + per.slice(1)] ?? 'logic'];
}

function familyOf(name: string, type: NodeType, count: number): Family {
  return { name, type, count, profile: 'cpu', script: `apps/${name}/src/main.ts`, env: {} };
}

/** Counts per type (one to three families each), and for some ratios bounds around the actual ratio. */
const blueprints = fc
  .record({
    counts: fc.record({
      'front-end': fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
      logic: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
      service: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
    }),
    ratios: fc.array(
      fc.record({
        name: fc.constantFrom(...RATIO_NAMES),
        below: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
        above: fc.option(fc.double({ min: 1, max: 10, noNaN: true }), { nil: undefined }),
      }),
      { maxLength: 4 },
    ),
  })
  .map(({ counts, ratios }): Blueprint => {
    const families = TYPES.flatMap((type) =>
      counts[type].map((count, index) => familyOf(`${type}-${index}`, type, count)),
    );
    const total = (type: NodeType) =>
      families.filter((family) => family.type === type).reduce((sum, f) => sum + f.count, 0);
    const bounds: Partial<Record<RatioName, RatioBounds>> = {};
    for (const ratio of ratios) {
      if (ratio.below === undefined && ratio.above === undefined) continue;
      const [of, per] = typesOf(ratio.name);
      const actual = total(of) / total(per);
      // The blueprint satisfies its ratios, as loadBlueprint makes sure.
      bounds[ratio.name] = {
        ...(ratio.below === undefined ? {} : { min: actual * ratio.below }),
        ...(ratio.above === undefined ? {} : { max: actual * ratio.above }),
      };
    }
    return { file: 'generated.yaml', families, ratios: bounds };
  });

describe('the scale factor', () => {
  test('keeps every ratio at the extremes the autoscalers can reach', () => {
    let checked = 0;
    let smallest = Infinity;
    fc.assert(
      fc.property(blueprints, (blueprint) => {
        const factor = scaleFactorOf(blueprint);
        expect(factor).toBeGreaterThanOrEqual(1);
        expect(factor).toBeLessThanOrEqual(MAX_SCALE_FACTOR);
        smallest = Math.min(smallest, factor);
        const bounds = blueprint.families.map((family) => ({
          family,
          ...scalingBoundsOf(family.count, factor),
        }));
        const sum = (type: NodeType, end: 'min' | 'max') =>
          bounds
            .filter((entry) => entry.family.type === type)
            .reduce((total, entry) => total + entry[end], 0);
        for (const [name, ratio] of Object.entries(blueprint.ratios) as [RatioName, RatioBounds][]) {
          const [of, per] = typesOf(name);
          const tolerance = 1e-9;
          if (ratio.min !== undefined)
            expect(sum(of, 'min') / sum(per, 'max')).toBeGreaterThanOrEqual(ratio.min - tolerance);
          if (ratio.max !== undefined)
            expect(sum(of, 'max') / sum(per, 'min')).toBeLessThanOrEqual(ratio.max + tolerance);
          checked += 1;
        }
      }),
      { numRuns: 500 },
    );
    process.stdout.write(
      `[bundle-render] ${checked} ratio checks over 500 blueprints; smallest factor ${smallest.toFixed(3)}\n`,
    );
  });

  test('is 2 for the default blueprint (logic per front end 4 of at most 8), so cart runs 2 to 4 nodes', () => {
    const blueprint: Blueprint = {
      file: 'deploy/blueprint.yaml',
      families: [
        familyOf('gateway', 'front-end', 1),
        familyOf('cart', 'logic', 2),
        familyOf('orders', 'logic', 2),
        familyOf('catalog', 'service', 1),
        familyOf('payments', 'service', 1),
        familyOf('notifications', 'service', 1),
      ],
      ratios: { logicPerFrontEnd: { min: 1, max: 8 }, servicePerLogic: { min: 0.25, max: 2 } },
    };
    expect(scaleFactorOf(blueprint)).toBe(2);
    expect(scalingBoundsOf(2, 2)).toEqual({ min: 2, max: 4 });
  });

  test('without ratios, lets every family grow to MAX_SCALE_FACTOR times its count', () => {
    const blueprint: Blueprint = {
      file: 'b.yaml',
      families: [familyOf('gateway', 'front-end', 3)],
      ratios: {},
    };
    expect(scaleFactorOf(blueprint)).toBe(MAX_SCALE_FACTOR);
    expect(scalingBoundsOf(3, MAX_SCALE_FACTOR)).toEqual({ min: 3, max: 12 });
  });
});
