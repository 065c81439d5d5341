import { expect, test } from 'vitest';

import { parseBlueprint } from './blueprint';
import { childSpecsOf } from './child-specs';

const blueprint = parseBlueprint(
  `
families:
  cart: { type: logic, count: 2, profile: cpu, script: apps/cart/src/main.ts, env: { CART_TTL_S: "60" } }
  orders: { type: logic, count: 1, profile: cpu, script: apps/orders/src/main.ts }
  mailer: { type: external, count: 1, profile: io, script: dist/mailer.js }
`,
  'blueprint.yaml',
);

test('one spec per node, ids counted from 1, families without an entry file skipped', () => {
  const { children, skipped } = childSpecsOf(blueprint, {
    root: '/repo',
    exists: (path) => path !== '/repo/apps/orders/src/main.ts',
  });
  expect(children.map(({ id, family, nodeType, env, cwd }) => ({ id, family, nodeType, env, cwd }))).toEqual([
    {
      id: 'cart-1',
      family: 'cart',
      nodeType: 'logic',
      env: { CART_TTL_S: '60', NODE_INDEX: '1' },
      cwd: '/repo',
    },
    {
      id: 'cart-2',
      family: 'cart',
      nodeType: 'logic',
      env: { CART_TTL_S: '60', NODE_INDEX: '2' },
      cwd: '/repo',
    },
    { id: 'mailer-1', family: 'mailer', nodeType: 'external', env: { NODE_INDEX: '1' }, cwd: '/repo' },
  ]);
  expect(skipped).toEqual([{ family: 'orders', script: 'apps/orders/src/main.ts' }]);
});

test('TypeScript entries run with tsx and the source condition, JavaScript ones with node alone', () => {
  const { children } = childSpecsOf(blueprint, { root: '/repo', exists: () => true });
  const cart = children.find((child) => child.id === 'cart-1');
  expect(cart?.command).toBe(process.execPath);
  expect(cart?.args).toEqual([
    '--enable-source-maps',
    '--conditions=@trellis/source',
    '--import',
    expect.stringMatching(/^file:.*tsx/),
    '/repo/apps/cart/src/main.ts',
  ]);
  expect(children.find((child) => child.id === 'mailer-1')?.args).toEqual(['/repo/dist/mailer.js']);
});
