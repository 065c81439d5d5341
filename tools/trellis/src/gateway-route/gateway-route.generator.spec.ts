// The gateway-route generator on an in-memory tree holding the real contracts, the real gateway sources and a
// generated node with a dataset (by-key example) and an exactly-once service node.
import type { Tree } from '@nx/devkit';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { interfaceGenerator } from '../interface/interface.generator';
import { nodeGenerator } from '../node/node.generator';
import { changesSince, read, snapshotOf, workspaceTree } from '../testing/workspace-tree';
import { gatewayRouteGenerator } from './gateway-route.generator';
import type { GatewayRouteGeneratorSchema } from './gateway-route-options';

beforeAll(() => {
  vi.stubEnv('NX_SKIP_FORMAT', 'true');
});

/** The seeded workspace plus a logic node `pricing` with a dataset, and a service node `inventory`. */
async function treeWithNodes(): Promise<Tree> {
  const tree = workspaceTree();
  await nodeGenerator(tree, { name: 'pricing', type: 'logic', dataset: 'quotes' });
  await nodeGenerator(tree, { name: 'inventory', type: 'service' });
  await interfaceGenerator(tree, { node: 'inventory', name: 'inventory.reserve', policy: 'exactly-once' });
  return tree;
}

describe('gateway-route generator', () => {
  it("adds the family's API module to the gateway, calling the interface with the contract's schemas", async () => {
    const tree = await treeWithNodes();
    const before = snapshotOf(tree);
    await gatewayRouteGenerator(tree, {
      name: 'pricing.ping',
      method: 'PUT',
      path: '/v1/pricing/notes/:key',
    });
    expect(changesSince(tree, before)).toEqual([
      'CREATE apps/gateway/src/pricing/pricing-api.ts',
      'CREATE apps/gateway/src/route-schemas.ts',
      'UPDATE apps/gateway/src/api-modules.ts',
    ]);
    const module = read(tree, 'apps/gateway/src/pricing/pricing-api.ts');
    expect(module).toContain(
      "api.put<{ Params: Pick<HandledRequestOf<typeof pingPricing>, 'key'>; Body: Omit<HandledRequestOf<typeof pingPricing>, 'key'> }>(",
    );
    // The contract's own schemas validate the request and document the route.
    expect(module).toContain('params: pingPricing.request.pick({ key: true }),');
    expect(module).toContain('body: pingPricing.request.omit({ key: true }),');
    expect(module).toContain("response: { 200: pingPricing.reply, '4XX': problemBody, '5XX': problemBody },");
    expect(module).toContain(
      'async (request) => context.bus.call(pingPricing, { ...request.params, ...request.body }),',
    );
    // The readiness waits for the interface; its by-key calls follow the pricing ring (the node has a dataset).
    expect(module).toContain('const pricingCalledInterfaces: Contract[] = [pingPricing];');
    expect(module).toContain(
      "const pricingServingFamilies: Record<string, string> = { pricing: 'pricing' };",
    );
    expect(read(tree, 'apps/gateway/src/api-modules.ts')).toMatch(/= \[[^\]]*pricingApi\]/);
    expect(read(tree, 'apps/gateway/src/api-modules.ts')).toContain(
      "import { pricingApi } from './pricing/pricing-api';",
    );
  });

  it('adds a second route of the family to its module; an exactly-once route takes the Idempotency-Key', async () => {
    const tree = await treeWithNodes();
    await gatewayRouteGenerator(tree, { name: 'inventory.ping', method: 'GET', path: '/v1/inventory/ping' });
    await gatewayRouteGenerator(tree, {
      name: 'inventory.reserve',
      method: 'POST',
      path: '/v1/inventory/reservations',
    });
    const module = read(tree, 'apps/gateway/src/inventory/inventory-api.ts');
    expect(module).toContain('querystring: pingInventory.request,');
    expect(module).toContain('async (request) => context.bus.call(pingInventory, request.query),');
    expect(module).toContain('headers: idempotencyKeyHeaders');
    expect(module).toContain(
      "context.bus.call(reserveInventory, request.body, { idempotencyKey: request.headers['idempotency-key'] })",
    );
    expect(module).toContain("import { idempotencyKeyHeaders, problemBody } from '../route-schemas';");
    expect(module).toContain("import type { z } from 'zod';");
    expect(module).toMatch(/inventoryCalledInterfaces: Contract\[\] = \[pingInventory, reserveInventory\]/);
    // Not on a ring: keyed calls, if any, go to the family's shared queue.
    expect(module).toContain('const inventoryServingFamilies: Record<string, string> = {};');
    expect(read(tree, 'apps/gateway/src/api-modules.ts').match(/inventoryApi/g)).toHaveLength(2);
  });

  // Each case: the options refused, the message, and a route added first when the case needs one to collide with.
  const refusals: [string, GatewayRouteGeneratorSchema, string, GatewayRouteGeneratorSchema?][] = [
    ['an unknown interface', { name: 'pricing.quote', method: 'GET', path: '/v1/quotes' }, 'does not exist'],
    ['a name that is not family.verb', { name: 'pricing', method: 'GET', path: '/v1/quotes' }, 'family.verb'],
    [
      'an unknown method',
      { name: 'pricing.ping', method: 'PATCH', path: '/v1/p' },
      'method "PATCH" must be one of',
    ],
    ['a path outside /v1', { name: 'pricing.ping', method: 'GET', path: '/pricing' }, 'must start with /v1/'],
    ['a trailing slash', { name: 'pricing.ping', method: 'GET', path: '/v1/pricing/' }, 'no trailing slash'],
    [
      'a path parameter that is not a request field',
      { name: 'pricing.ping', method: 'GET', path: '/v1/pricing/:id' },
      ":id must be fields of pricing.ping's request (key, text)",
    ],
    // The cluster view, a route of the gateway's own sources rather than of a generated API module.
    [
      'a path the gateway serves',
      { name: 'pricing.ping', method: 'GET', path: '/v1/cluster' },
      'GET /v1/cluster is taken',
    ],
    [
      'the same path with another parameter name',
      { name: 'pricing.ping', method: 'GET', path: '/v1/pricing/:text' },
      'GET /v1/pricing/:key is taken',
      { name: 'pricing.ping', method: 'GET', path: '/v1/pricing/:key' },
    ],
    // The nodes' heartbeat, the platform's one-way message.
    [
      'a one-way message on GET',
      { name: 'cluster.heartbeat', method: 'GET', path: '/v1/heartbeats' },
      'is a one-way message',
    ],
  ];
  it.each(refusals)(
    'refuses %s with a clear message and writes nothing',
    async (_case, options, message, first) => {
      const tree = await treeWithNodes();
      if (first !== undefined) await gatewayRouteGenerator(tree, first);
      const before = snapshotOf(tree);
      await expect(gatewayRouteGenerator(tree, options)).rejects.toThrow(message);
      await expect(gatewayRouteGenerator(tree, options)).rejects.toThrow('nothing was written');
      expect(changesSince(tree, before)).toEqual([]);
    },
  );
});

it('takes the whole request from the path when the path holds every field', async () => {
  vi.stubEnv('NX_SKIP_FORMAT', 'true');
  const tree = await treeWithNodes();
  await interfaceGenerator(tree, { node: 'inventory', name: 'inventory.count', policy: 'at-least-once' });
  await gatewayRouteGenerator(tree, {
    name: 'inventory.count',
    method: 'GET',
    path: '/v1/inventory/counts/:id',
  });
  await gatewayRouteGenerator(tree, { name: 'inventory.ping', method: 'GET', path: '/v1/inventory/ping' });
  const module = read(tree, 'apps/gateway/src/inventory/inventory-api.ts');
  expect(module).toContain("api.get<{ Params: Pick<HandledRequestOf<typeof countInventory>, 'id'> }>(");
  expect(module).toContain('async (request) => context.bus.call(countInventory, request.params),');
  expect(module).not.toContain('querystring: countInventory');
  // One type import from the contracts, whatever the number of routes.
  expect(module.match(/import type \{[^}]*\} from '@trellis\/contracts';/g)).toEqual([
    "import type { Contract, HandledRequestOf } from '@trellis/contracts';",
  ]);
});
