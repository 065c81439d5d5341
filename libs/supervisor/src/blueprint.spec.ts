import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { TrellisError } from '@trellis/contracts';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

import { loadBlueprint, parseBlueprint } from './blueprint';

const FILE = 'deploy/test-blueprint.yaml';

/** A valid blueprint: 1 front-end, 4 logic, 2 service nodes, 1 simulator. */
const valid = `
ratios:
  logicPerFrontEnd: { min: 1, max: 8 }
families:
  gateway: { type: front-end, count: 1, profile: io, script: apps/gateway/src/main.ts }
  cart: { type: logic, count: 2, profile: cpu, script: apps/cart/src/main.ts }
  orders: { type: logic, count: 2, profile: cpu, script: apps/orders/src/main.ts }
  catalog: { type: service, count: 2, profile: memory, script: apps/catalog/src/main.ts, env: { CACHE: "on" } }
  payment-provider: { type: external, count: 1, profile: io, script: apps/payment-provider/src/main.ts }
`;

/** The refusal message of parsing `text`; fails the test when it is accepted. */
function refusal(text: string, env: Record<string, string> = {}): string {
  try {
    parseBlueprint(text, FILE, env);
  } catch (error) {
    expect(error).toBeInstanceOf(TrellisError);
    expect((error as TrellisError).code).toBe('supervisor.invalid_blueprint');
    return (error as Error).message;
  }
  throw new Error('the blueprint was accepted');
}

describe('parseBlueprint accepts', () => {
  test('a valid blueprint, keeping the families in file order', () => {
    const blueprint = parseBlueprint(valid, FILE);
    expect(blueprint.file).toBe(FILE);
    expect(blueprint.families.map(({ name, type, count, profile }) => [name, type, count, profile])).toEqual([
      ['gateway', 'front-end', 1, 'io'],
      ['cart', 'logic', 2, 'cpu'],
      ['orders', 'logic', 2, 'cpu'],
      ['catalog', 'service', 2, 'memory'],
      ['payment-provider', 'external', 1, 'io'],
    ]);
    expect(blueprint.families[3]?.env).toEqual({ CACHE: 'on' });
    expect(blueprint.ratios).toEqual({ logicPerFrontEnd: { min: 1, max: 8 } });
  });

  test('the same blueprint written as JSON', () => {
    const json = JSON.stringify({
      families: {
        gateway: { type: 'front-end', count: 1, profile: 'io', script: 'apps/gateway/src/main.ts' },
      },
    });
    expect(parseBlueprint(json, 'blueprint.json').families).toHaveLength(1);
  });

  // Whatever families the repository runs (a fork changes them), its blueprint must load, every family read as
  // written, in file order: a plain YAML reading of the same file is the reference.
  test('the repository blueprint in deploy/blueprint.yaml, every family and ratio as written', async () => {
    const path = resolve(__dirname, '../../../deploy/blueprint.yaml');
    const written = parse(await readFile(path, 'utf8')) as {
      ratios?: Record<string, unknown>;
      families: Record<string, { type: string; count: number }>;
    };
    const blueprint = await loadBlueprint(path, {});
    expect(blueprint.families.map((family) => [family.name, family.type, family.count])).toEqual(
      Object.entries(written.families).map(([name, family]) => [name, family.type, family.count]),
    );
    expect(blueprint.ratios).toEqual(written.ratios ?? {});
  });
});

describe('parseBlueprint refuses, naming the file, the field and what is allowed', () => {
  test('an unknown field of a family', () => {
    const message = refusal(
      valid.replace(
        'count: 2, profile: cpu, script: apps/cart',
        'replicas: 2, count: 2, profile: cpu, script: apps/cart',
      ),
    );
    expect(message.split('\n')).toContain(
      `  ${FILE}: families.cart: unknown field "replicas"; allowed: type, count, profile, script, env, datasets`,
    );
  });

  test('an unknown top-level field', () => {
    expect(refusal(`${valid}\nnodes: 3\n`)).toContain(
      `${FILE}: (top level): unknown field "nodes"; allowed: families, ratios`,
    );
  });

  test('an unknown node type', () => {
    expect(refusal(valid.replace('type: front-end', 'type: frontend'))).toContain(
      `${FILE}: families.gateway.type: must be one of front-end, logic, service, external (got "frontend")`,
    );
  });

  test('an unknown profile', () => {
    expect(refusal(valid.replace('profile: memory', 'profile: disk'))).toContain(
      `${FILE}: families.catalog.profile: must be one of cpu, memory, io (got "disk")`,
    );
  });

  test.each([
    ['-1', '-1'],
    ['1.5', '1.5'],
    ['"two"', '"two"'],
  ])('a count of %s', (count, shown) => {
    expect(refusal(valid.replace('count: 2, profile: memory', `count: ${count}, profile: memory`))).toContain(
      `${FILE}: families.catalog.count: must be a whole number of nodes, 0 or more (got ${shown})`,
    );
  });

  test('a missing script', () => {
    expect(refusal(valid.replace(', script: apps/orders/src/main.ts', ''))).toContain(
      `${FILE}: families.orders.script: must be the path of the node's entry file (missing)`,
    );
  });

  test('a family name that is not kebab-case', () => {
    expect(refusal(valid.replace('  orders:', '  Orders_Node:'))).toContain(
      `${FILE}: families.Orders_Node: family names must be kebab-case`,
    );
  });

  test('an unknown ratio', () => {
    expect(refusal(valid.replace('logicPerFrontEnd', 'logicPerGateway'))).toContain(
      `${FILE}: ratios: unknown field "logicPerGateway"; allowed: logicPerFrontEnd, servicePerFrontEnd, servicePerLogic, frontEndPerLogic, frontEndPerService, logicPerService`,
    );
  });

  test('a ratio whose min exceeds its max', () => {
    expect(refusal(valid.replace('{ min: 1, max: 8 }', '{ min: 3, max: 2 }'))).toContain(
      `${FILE}: ratios.logicPerFrontEnd: min must not exceed max`,
    );
  });

  test('a ratio that the counts break', () => {
    expect(refusal(valid.replace('{ min: 1, max: 8 }', '{ min: 1, max: 3 }'))).toContain(
      `${FILE}: ratios.logicPerFrontEnd: logic nodes per front-end node must be between 1 and 3, but 4 per 1 is 4 (gateway=1, cart=2, orders=2)`,
    );
  });

  test('a ratio over a node type with no nodes', () => {
    expect(
      refusal(
        valid.replace(
          'count: 1, profile: io, script: apps/gateway',
          'count: 0, profile: io, script: apps/gateway',
        ),
      ),
    ).toContain(
      `${FILE}: ratios.logicPerFrontEnd: logic nodes per front-end node must be between 1 and 8, but there are 4 logic nodes and no front-end node`,
    );
  });

  test('text that is not YAML, by line', () => {
    expect(refusal('families:\n  cart: { type: logic\n')).toMatch(
      new RegExp(`${FILE}: line \\d+, column \\d+: not valid YAML`),
    );
  });

  test('several problems at once, one line each', () => {
    const message = refusal(
      valid.replace('type: front-end', 'type: edge').replace('profile: memory', 'profile: disk'),
    );
    expect(message.split('\n')).toHaveLength(3);
    expect(message).toMatch(
      /^Refused the cluster blueprint deploy\/test-blueprint\.yaml; nothing was started:/,
    );
  });
});

describe('count overrides from the environment', () => {
  test('BLUEPRINT_<FAMILY>_COUNT replaces the count and records the variable', () => {
    const blueprint = parseBlueprint(valid, FILE, {
      BLUEPRINT_CART_COUNT: '3',
      BLUEPRINT_PAYMENT_PROVIDER_COUNT: '0',
    });
    const counts = Object.fromEntries(blueprint.families.map((family) => [family.name, family.count]));
    expect(counts).toMatchObject({ cart: 3, orders: 2, 'payment-provider': 0 });
    expect(blueprint.families.find((family) => family.name === 'cart')?.countOverriddenBy).toBe(
      'BLUEPRINT_CART_COUNT',
    );
    expect(blueprint.families.find((family) => family.name === 'orders')?.countOverriddenBy).toBeUndefined();
  });

  test('an empty override counts as unset', () => {
    expect(parseBlueprint(valid, FILE, { BLUEPRINT_CART_COUNT: '' }).families[1]?.count).toBe(2);
  });

  test('an override that is not a count is refused with the variable', () => {
    expect(refusal(valid, { BLUEPRINT_CART_COUNT: '-2' })).toContain(
      `${FILE}: environment BLUEPRINT_CART_COUNT: must be a whole number of nodes, 0 or more (got "-2")`,
    );
  });

  test('an override for a family the blueprint does not have is refused', () => {
    expect(refusal(valid, { BLUEPRINT_BASKET_COUNT: '2' })).toContain(
      `${FILE}: environment BLUEPRINT_BASKET_COUNT: names no family of the blueprint; overridable: BLUEPRINT_GATEWAY_COUNT, BLUEPRINT_CART_COUNT,`,
    );
  });

  test('the ratios are checked against the overridden counts', () => {
    expect(refusal(valid, { BLUEPRINT_CART_COUNT: '7' })).toContain(
      `${FILE}: ratios.logicPerFrontEnd: logic nodes per front-end node must be between 1 and 8, but 9 per 1 is 9 (gateway=1, cart=7 (from BLUEPRINT_CART_COUNT), orders=2)`,
    );
  });
});

describe('datasets of a family', () => {
  /** A blueprint whose cart family has these datasets (YAML flow mapping). */
  const withDatasets = (datasets: string) => `
families:
  gateway: { type: front-end, count: 1, profile: io, script: apps/gateway/src/main.ts }
  cart:
    type: logic
    count: 2
    profile: cpu
    script: apps/cart/src/main.ts
    env: { SESSION_TTL_S: "60" }
    datasets: ${datasets}
`;
  const product =
    '{ sessions: { sharing: everything }, carts: { sharing: something, replicas: 3, writeAcks: 2 } }';

  function cartEnv(datasets: string, env: Record<string, string> = {}): Readonly<Record<string, string>> {
    const cart = parseBlueprint(withDatasets(datasets), FILE, env).families.find(
      (family) => family.name === 'cart',
    );
    if (cart === undefined) throw new Error('no cart family');
    return cart.env;
  }

  test('become DATASET_<NAME>_SHARING, _REPLICAS and _WRITE_ACKS in the family environment', () => {
    expect(cartEnv(product)).toEqual({
      SESSION_TTL_S: '60',
      DATASET_SESSIONS_SHARING: 'everything',
      DATASET_CARTS_SHARING: 'something',
      DATASET_CARTS_REPLICAS: '3',
      DATASET_CARTS_WRITE_ACKS: '2',
    });
    expect(cartEnv('{ carts: { sharing: nothing } }')).toEqual({
      SESSION_TTL_S: '60',
      DATASET_CARTS_SHARING: 'nothing',
    });
  });

  test('leave out what the environment sets, so the environment overrides the blueprint', () => {
    expect(cartEnv(product, { DATASET_CARTS_REPLICAS: '2' })).toEqual({
      SESSION_TTL_S: '60',
      DATASET_SESSIONS_SHARING: 'everything',
      DATASET_CARTS_SHARING: 'something',
      DATASET_CARTS_WRITE_ACKS: '2',
    });
    // A strategy set by the environment takes none of the blueprint's parameters, which may not apply to it.
    expect(
      cartEnv(product, { DATASET_CARTS_SHARING: 'nothing', DATASET_SESSIONS_SHARING: 'something' }),
    ).toEqual({
      SESSION_TTL_S: '60',
    });
  });

  test('count an empty environment variable as unset, as the nodes do', () => {
    expect(cartEnv(product, { DATASET_SESSIONS_SHARING: '', DATASET_CARTS_REPLICAS: '' })).toEqual({
      SESSION_TTL_S: '60',
      DATASET_SESSIONS_SHARING: 'everything',
      DATASET_CARTS_SHARING: 'something',
      DATASET_CARTS_REPLICAS: '3',
      DATASET_CARTS_WRITE_ACKS: '2',
    });
  });

  test.each([
    [
      '{ carts: { sharing: all } }',
      'families.cart.datasets.carts.sharing: must be one of nothing, something, everything (got "all")',
    ],
    [
      '{ carts: { replicas: 2 } }',
      'families.cart.datasets.carts.sharing: must be one of nothing, something, everything (missing)',
    ],
    [
      '{ carts: { sharing: something, replicas: 0 } }',
      'families.cart.datasets.carts.replicas: replicas must be a whole number from 1 to 7 (got 0)',
    ],
    [
      '{ carts: { sharing: something, replicas: 8 } }',
      'families.cart.datasets.carts.replicas: replicas must be a whole number from 1 to 7 (got 8)',
    ],
    [
      '{ carts: { sharing: something, writeAcks: 1.5 } }',
      'families.cart.datasets.carts.writeAcks: writeAcks must be a whole number from 1 to 7 (got 1.5)',
    ],
    [
      '{ carts: { sharing: something, replicas: 2, writeAcks: 3 } }',
      'families.cart.datasets.carts: writeAcks must not exceed replicas (default 2)',
    ],
    [
      '{ carts: { sharing: something, writeAcks: 3 } }',
      'families.cart.datasets.carts: writeAcks must not exceed replicas (default 2)',
    ],
    [
      '{ carts: { sharing: nothing, replicas: 1 } }',
      'families.cart.datasets.carts: replicas and writeAcks apply to sharing: something only',
    ],
    [
      '{ sessions: { sharing: everything, writeAcks: 1 } }',
      'families.cart.datasets.sessions: replicas and writeAcks apply to sharing: something only',
    ],
    [
      '{ carts: { sharing: nothing, copies: 2 } }',
      'families.cart.datasets.carts: unknown field "copies"; allowed: sharing, replicas, writeAcks',
    ],
    [
      '{ Carts: { sharing: nothing } }',
      'families.cart.datasets.Carts: dataset names are lower-case letters and digits, e.g. carts',
    ],
  ])('are refused when wrong: %s', (datasets, problem) => {
    // The whole line: the message names the field and what is allowed, and nothing else is wrong.
    expect(refusal(withDatasets(datasets)).split('\n').slice(1)).toEqual([`  ${FILE}: ${problem}`]);
  });
});

describe('loadBlueprint', () => {
  test('refuses a file that cannot be read, naming it', async () => {
    await expect(loadBlueprint('/nonexistent/blueprint.yaml', {})).rejects.toThrow(
      /\/nonexistent\/blueprint\.yaml: \(file\): cannot be read: ENOENT/,
    );
  });
});
