// The node generator on an in-memory tree seeded with the real contracts and blueprints, and a hand-written node.
import { parse } from 'yaml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { changesSince, handWrittenNode, read, snapshotOf, workspaceTree } from '../testing/workspace-tree';
import { nodeGenerator } from './node.generator';

// Prettier lays files out in the real workspace (checked by the workspace-copy test); here the raw output is read.
beforeAll(() => {
  vi.stubEnv('NX_SKIP_FORMAT', 'true');
});

interface BlueprintFile {
  families: Record<string, { type: string; count: number; profile: string; script: string }>;
}

describe('node generator', () => {
  it('creates a service node: app, contract, tests, migration, and the family in all three blueprints', async () => {
    const tree = workspaceTree();
    const blueprintBefore = read(tree, 'deploy/blueprint.yaml');
    const seeded = snapshotOf(tree);
    await nodeGenerator(tree, { name: 'inventory', type: 'service' });

    const created = changesSince(tree, seeded)
      .map((change) => change.replace(/migrations\/\d+_/, 'migrations/<id>_'))
      .sort();
    process.stdout.write(`node generator wrote ${created.length} files\n`);
    expect(created).toEqual(
      [
        'CREATE apps/inventory/README.md',
        'CREATE apps/inventory/migrations/<id>_inventory.sql',
        'CREATE apps/inventory/package.json',
        'CREATE apps/inventory/src/inventory.handlers.spec.ts',
        'CREATE apps/inventory/src/inventory.handlers.ts',
        'CREATE apps/inventory/src/inventory.module.ts',
        'CREATE apps/inventory/src/main.ts',
        'CREATE apps/inventory/src/node-id.ts',
        'CREATE apps/inventory/src/settings.ts',
        'CREATE apps/inventory/src/telemetry.ts',
        'CREATE apps/inventory/test/inventory.answers-ping-over-the-bus.spec.ts',
        'CREATE apps/inventory/tsconfig.app.json',
        'CREATE libs/contracts/src/inventory.ts',
        'UPDATE deploy/blueprint.yaml',
        'UPDATE deploy/blueprints/dev.yaml',
        'UPDATE deploy/blueprints/production.yaml',
        'UPDATE libs/contracts/src/index.ts',
      ].sort(),
    );

    const manifest = JSON.parse(read(tree, 'apps/inventory/package.json')) as {
      name: string;
      nx: { tags: string[] };
    };
    expect(manifest.name).toBe('@trellis/inventory');
    expect(manifest.nx.tags).toEqual(['node:service', 'type:app']);

    // Telemetry is the first import, so instrumentation sees every module load.
    expect(
      read(tree, 'apps/inventory/src/main.ts')
        .split('\n')
        .find((line) => line.startsWith('import')),
    ).toBe("import { settings, telemetry } from './telemetry';");
    expect(read(tree, 'apps/inventory/src/settings.ts')).toContain('defineSettings(');
    const module = read(tree, 'apps/inventory/src/inventory.module.ts');
    expect(module).toContain('BusModule.forRootAsync(');
    expect(module).toContain('exactlyOnce: { pool: db.pool, schema: db.schema }');
    expect(read(tree, 'apps/inventory/test/inventory.answers-ping-over-the-bus.spec.ts')).toContain(
      'createRabbitVhost(',
    );

    expect(read(tree, 'libs/contracts/src/inventory.ts')).toContain("name: 'inventory.ping'");
    expect(read(tree, 'libs/contracts/src/index.ts')).toContain(
      "export { pingInventory } from './inventory';",
    );

    const counts = Object.fromEntries(
      ['deploy/blueprint.yaml', 'deploy/blueprints/dev.yaml', 'deploy/blueprints/production.yaml'].map(
        (path) => [path, (parse(read(tree, path)) as BlueprintFile).families['inventory']],
      ),
    );
    const entry = { type: 'service', profile: 'io', script: 'apps/inventory/src/main.ts' };
    expect(counts).toEqual({
      'deploy/blueprint.yaml': { ...entry, count: 1 },
      'deploy/blueprints/dev.yaml': { ...entry, count: 1 },
      'deploy/blueprints/production.yaml': { ...entry, count: 2 },
    });
    // Only the new family is added: every comment and every other line of the blueprint is kept as it was.
    expect(read(tree, 'deploy/blueprint.yaml')).toBe(
      `${blueprintBefore}  inventory:\n    type: service\n    count: 1\n    profile: io\n    script: apps/inventory/src/main.ts\n`,
    );
  });

  it('creates a logic node with no database, and takes the profile given', async () => {
    const tree = workspaceTree();
    await nodeGenerator(tree, { name: 'pricing', type: 'logic', profile: 'memory' });
    const module = read(tree, 'apps/pricing/src/pricing.module.ts');
    expect(module).toContain('BusModule.forRoot(busOptionsFor(settings, logger))');
    expect(module).not.toContain('Database');
    expect(tree.children('apps/pricing')).not.toContain('migrations');
    expect(JSON.parse(read(tree, 'apps/pricing/package.json'))).toMatchObject({
      nx: { tags: ['node:logic', 'type:app'] },
    });
    expect((parse(read(tree, 'deploy/blueprint.yaml')) as BlueprintFile).families['pricing']).toMatchObject({
      type: 'logic',
      profile: 'memory',
    });
  });

  const refusals: [string, Parameters<typeof nodeGenerator>[1], string][] = [
    ['a kebab-case name', { name: 'stock-levels', type: 'logic' }, 'must be one lower-case word'],
    ['an existing app', { name: handWrittenNode, type: 'service' }, `apps/${handWrittenNode} exists`],
    [
      'an existing blueprint family',
      { name: 'gateway', type: 'logic' },
      'a blueprint already has that family',
    ],
    // The platform's own interfaces: the nodes' heartbeats are cluster.heartbeat.
    ['an existing interface family', { name: 'cluster', type: 'logic' }, 'already declare cluster.*'],
    [
      'an unknown type',
      { name: 'inventory', type: 'front-end' },
      'type "front-end" must be one of logic, service',
    ],
    [
      'an unknown profile',
      { name: 'inventory', type: 'logic', profile: 'gpu' },
      'profile "gpu" must be one of cpu, memory, io',
    ],
  ];
  it.each(refusals)('refuses %s with a clear message and writes nothing', async (_case, options, message) => {
    const tree = workspaceTree();
    const seeded = snapshotOf(tree);
    await expect(nodeGenerator(tree, options)).rejects.toThrow(message);
    await expect(nodeGenerator(tree, options)).rejects.toThrow('nothing was written');
    expect(changesSince(tree, seeded)).toEqual([]);
  });
});

describe('node generator --dataset', () => {
  it('gives a logic node a keyed dataset on its ring, shared as configured, its example interface by key', async () => {
    const tree = workspaceTree();
    const seeded = snapshotOf(tree);
    await nodeGenerator(tree, { name: 'pricing', type: 'logic', dataset: 'quotes' });
    const changes = changesSince(tree, seeded);
    expect(changes).toContain('CREATE apps/pricing/src/datasets.ts');

    expect(read(tree, 'apps/pricing/src/datasets.ts')).toContain(
      "defineDataset({ name: 'quotes', schema: quotesValueSchema, merge: singleValue<QuotesValue>(), ttlSeconds })",
    );
    const settings = read(tree, 'apps/pricing/src/settings.ts');
    expect(settings).toContain("...sharingSettings('quotes'),");
    expect(settings).toContain('RING_PARTITIONS: wholeNumber(1, 4096, 64),');
    const module = read(tree, 'apps/pricing/src/pricing.module.ts');
    expect(module).toContain('new Membership({');
    expect(module).toContain("datasets: [{ definition, sharing: sharingOf(settings, 'quotes') }],");
    expect(module).toContain('keyRouter: dataBusRouter,');
    const main = read(tree, 'apps/pricing/src/main.ts');
    expect(main).toContain('checks: { datasets: () => dataNode?.ready ?? false },');
    expect(main).toContain('describe: (app) => ({ datasets: app.get(DataNode).describe() }),');
    expect(JSON.parse(read(tree, 'apps/pricing/package.json'))).toMatchObject({
      dependencies: { '@trellis/data': '0.1.0', '@trellis/ring': '0.1.0' },
    });
    // The example interface is routed by key, to the key's owner on the ring.
    expect(read(tree, 'libs/contracts/src/pricing.ts')).toContain(
      "routing: { kind: 'by-key', keyOf: (request) => request.key },",
    );
    expect(read(tree, 'apps/pricing/test/pricing.answers-ping-over-the-bus.spec.ts')).toContain(
      'await deleteRedisPrefix(dataPrefix);',
    );
    for (const path of [
      'deploy/blueprint.yaml',
      'deploy/blueprints/dev.yaml',
      'deploy/blueprints/production.yaml',
    ]) {
      expect(
        (parse(read(tree, path)) as { families: Record<string, unknown> }).families['pricing'],
      ).toMatchObject({
        datasets: { quotes: { sharing: 'something' } },
      });
    }
  });

  const refusals: [string, Parameters<typeof nodeGenerator>[1], string][] = [
    [
      'a dataset on a service node',
      { name: 'pricing', type: 'service', dataset: 'quotes' },
      'dataset needs --type=logic',
    ],
    [
      'a kebab-case dataset',
      { name: 'pricing', type: 'logic', dataset: 'price-quotes' },
      'dataset "price-quotes" must be one lower-case word',
    ],
  ];
  it.each(refusals)('refuses %s with a clear message and writes nothing', async (_case, options, message) => {
    const tree = workspaceTree();
    const seeded = snapshotOf(tree);
    await expect(nodeGenerator(tree, options)).rejects.toThrow(message);
    expect(changesSince(tree, seeded)).toEqual([]);
  });
});
