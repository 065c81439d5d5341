// The interface generator on an in-memory tree holding the real contracts, a hand-written node and one generated
// node per node type.
import type { Tree } from '@nx/devkit';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeGenerator } from '../node/node.generator';
import { changesSince, handWrittenNode, read, snapshotOf, workspaceTree } from '../testing/workspace-tree';
import { interfaceGenerator } from './interface.generator';

beforeAll(() => {
  vi.stubEnv('NX_SKIP_FORMAT', 'true');
});

/** The seeded workspace plus a service node `inventory` and a logic node `pricing`. */
async function treeWithNodes(): Promise<Tree> {
  const tree = workspaceTree();
  await nodeGenerator(tree, { name: 'inventory', type: 'service' });
  await nodeGenerator(tree, { name: 'pricing', type: 'logic' });
  return tree;
}

describe('interface generator', () => {
  it('adds an at-least-once contract, a handler that throws until written, and a unit test of its reply', async () => {
    const tree = await treeWithNodes();
    const before = snapshotOf(tree);
    await interfaceGenerator(tree, { node: 'pricing', name: 'pricing.quote', policy: 'at-least-once' });
    expect(changesSince(tree, before)).toEqual([
      'UPDATE apps/pricing/src/pricing.handlers.spec.ts',
      'UPDATE apps/pricing/src/pricing.handlers.ts',
      'UPDATE libs/contracts/src/index.ts',
      'UPDATE libs/contracts/src/pricing.ts',
    ]);

    const contracts = read(tree, 'libs/contracts/src/pricing.ts');
    expect(contracts).toContain('export const quotePricing = defineCall({');
    expect(contracts).toContain("policy: 'at-least-once',");
    expect(contracts).toContain('timeoutMs: 2_000,');
    expect(contracts).toContain('retry: { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 2_000 },');
    expect(contracts).not.toContain("kind: 'by-key'");
    expect(read(tree, 'libs/contracts/src/index.ts')).toContain(
      "export { pingPricing, quotePricing } from './pricing';",
    );

    const handlers = read(tree, 'apps/pricing/src/pricing.handlers.ts');
    expect(handlers).toContain("import { pingPricing, quotePricing } from '@trellis/contracts';");
    expect(handlers).toContain('@HandlesCall(quotePricing)');
    expect(handlers).toContain(
      "throw new Error('pricing.quote is not implemented yet: write PricingHandlers.quote');",
    );
    // The method lands inside the class, after the example.
    expect(handlers.indexOf('quote(')).toBeGreaterThan(handlers.indexOf('ping('));
    expect(handlers.trimEnd().endsWith('}\n}')).toBe(true);

    // The test asserts a reply's values, not that something is defined.
    expect(read(tree, 'apps/pricing/src/pricing.handlers.spec.ts')).toContain(
      "await expect(handlers.quote({ id: 'example-1' }, contextFor('pricing.quote'))).resolves.toEqual({",
    );
  });

  it('routes by key when asked, and never retries an at-most-once interface', async () => {
    const tree = await treeWithNodes();
    await interfaceGenerator(tree, {
      node: 'pricing',
      name: 'pricing.peek',
      policy: 'at-most-once',
      route: 'by-key',
    });
    const contracts = read(tree, 'libs/contracts/src/pricing.ts');
    const peek = contracts.slice(contracts.indexOf('export const peekPricing'));
    expect(peek).toContain("routing: { kind: 'by-key', keyOf: (request) => request.id },");
    expect(peek).not.toContain('retry:');
  });

  it('gives an exactly-once handler the inbox transaction, and tests it against the broker and the database', async () => {
    const tree = await treeWithNodes();
    const before = snapshotOf(tree);
    await interfaceGenerator(tree, { node: 'inventory', name: 'inventory.reserve', policy: 'exactly-once' });
    expect(changesSince(tree, before)).toEqual([
      'CREATE apps/inventory/test/reserve.replies-once-per-idempotency-key.spec.ts',
      'UPDATE apps/inventory/src/inventory.handlers.ts',
      'UPDATE libs/contracts/src/index.ts',
      'UPDATE libs/contracts/src/inventory.ts',
    ]);
    const handlers = read(tree, 'apps/inventory/src/inventory.handlers.ts');
    expect(handlers).toContain('return this.reserveInTransaction(context.db, request);');
    expect(handlers).toContain("private reserveInTransaction(_transaction: HandlerContext['db'],");
    const test = read(tree, 'apps/inventory/test/reserve.replies-once-per-idempotency-key.spec.ts');
    expect(test).toContain('createPgSchema(');
    expect(test).toContain("{ idempotencyKey: 'example-key-1' }");
    expect(test).toContain('expect(repeated).toEqual(first);');
  });

  const refusals: [string, Parameters<typeof interfaceGenerator>[1], string][] = [
    [
      'an unknown node',
      { node: 'warehouse', name: 'warehouse.count', policy: 'at-least-once' },
      'does not exist',
    ],
    [
      'a node the generator did not make',
      { node: handWrittenNode, name: `${handWrittenNode}.search`, policy: 'at-least-once' },
      'does not have the layout of a generated node',
    ],
    ['a name without a verb', { node: 'pricing', name: 'pricing', policy: 'at-least-once' }, 'family.verb'],
    [
      'a kebab-case verb',
      { node: 'pricing', name: 'pricing.get-quote', policy: 'at-least-once' },
      'camelCase',
    ],
    [
      "another family's name",
      { node: 'pricing', name: 'inventory.count', policy: 'at-least-once' },
      'must start with "pricing."',
    ],
    [
      'an existing interface',
      { node: 'pricing', name: 'pricing.ping', policy: 'at-least-once' },
      'already exists',
    ],
    [
      'an unknown policy',
      { node: 'pricing', name: 'pricing.quote', policy: 'at-least-twice' },
      'policy "at-least-twice" must be one of at-most-once, at-least-once, exactly-once',
    ],
    [
      'an unknown route',
      { node: 'pricing', name: 'pricing.quote', policy: 'at-least-once', route: 'round-robin' },
      'route "round-robin" must be one of any, by-key',
    ],
    [
      'exactly-once on a logic node',
      { node: 'pricing', name: 'pricing.charge', policy: 'exactly-once' },
      "exactly-once needs the node's own database",
    ],
  ];
  it.each(refusals)('refuses %s with a clear message and writes nothing', async (_case, options, message) => {
    const tree = await treeWithNodes();
    const before = snapshotOf(tree);
    await expect(interfaceGenerator(tree, options)).rejects.toThrow(message);
    await expect(interfaceGenerator(tree, options)).rejects.toThrow('nothing was written');
    expect(changesSince(tree, before)).toEqual([]);
  });
});
