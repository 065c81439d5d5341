// The compose checks accept a compose file that agrees with its blueprint and manifests, and each rule
// fails, naming the service, on a copy with one deliberate defect.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { loadBlueprint } from '@trellis/supervisor';
import type { Blueprint } from '@trellis/supervisor';
import { beforeAll, describe, expect, it } from 'vitest';

import { checkComposeAgreement, COMPOSE_RULES } from '../bundle-checks/compose/compose-agreement';
import type { ComposeFile } from '../bundle-checks/compose/compose-file';
import { parseCompose } from '../bundle-checks/compose/compose-file';
import { checkComposeSchema } from '../bundle-checks/compose/compose-schema';
import type { Finding } from '../bundle-checks/finding';
import { formatFindings } from '../bundle-checks/finding';
import type { KubeObject } from '../bundle-checks/kube-object';
import { renderKustomization } from '../bundle-checks/render-overlay';
import { timed } from '../bundle-checks/step-timer';
import { editedDocument, REMOVE } from './support/fixture-edits';

const FIXTURES = join(__dirname, 'fixtures');
const SOURCE = 'compose.yaml';

let compose: ComposeFile;
let blueprint: Blueprint;
let manifests: readonly KubeObject[] = [];

function checkAll(file: ComposeFile): Finding[] {
  return [
    ...checkComposeSchema(file, SOURCE),
    ...checkComposeAgreement({ compose: file, source: SOURCE, blueprint, manifests }),
  ];
}

interface Breakage {
  readonly defect: string;
  readonly rule: (typeof COMPOSE_RULES)[number];
  readonly object: string;
  readonly message: RegExp;
  readonly path: readonly (string | number)[];
  readonly value: unknown;
}

const BREAKAGES: readonly Breakage[] = [
  {
    defect: 'an unknown service field',
    rule: 'compose.schema',
    object: SOURCE,
    message: /\/services\/cart-1 must NOT have additional properties: restart_policy/,
    path: ['services', 'cart-1', 'restart_policy'],
    value: 'always',
  },
  {
    defect: 'a duration compose cannot read',
    rule: 'compose.schema',
    object: SOURCE,
    message: /\/services\/cart-1\/healthcheck\/interval must match format "duration"/,
    path: ['services', 'cart-1', 'healthcheck', 'interval'],
    value: 'five seconds',
  },
  {
    defect: 'a depends_on condition that does not exist',
    rule: 'compose.schema',
    object: SOURCE,
    message: /condition must be equal to one of the allowed values/,
    path: ['services', 'cart-1', 'depends_on', 'redis', 'condition'],
    value: 'service_ready',
  },
  {
    defect: 'a node missing',
    rule: 'compose.services-per-node',
    object: `${SOURCE} family cart`,
    message: /counts 2 nodes: services cart-1, cart-2; missing cart-2/,
    path: ['services', 'cart-2'],
    value: REMOVE,
  },
  {
    defect: 'a node too many',
    rule: 'compose.services-per-node',
    object: `${SOURCE} family gateway`,
    message: /extra gateway-2/,
    path: ['services', 'gateway-2'],
    value: {
      image: 'trellis-node:dev',
      command: ['apps/gateway/dist/main.js'],
      environment: { NODE_ID: 'gateway-2' },
      healthcheck: { test: ['CMD', 'true'] },
    },
  },
  {
    defect: 'two nodes with one id',
    rule: 'compose.services-per-node',
    object: `${SOURCE} service cart-2`,
    message: /NODE_ID cart-1 is also service cart-1's/,
    path: ['services', 'cart-2', 'environment', 'NODE_ID'],
    value: 'cart-1',
  },
  {
    defect: 'no Redis',
    rule: 'compose.backing-services',
    object: `${SOURCE} services`,
    message: /no service runs the redis image/,
    path: ['services', 'redis', 'image'],
    value: 'valkey/valkey:8',
  },
  {
    defect: 'the wrong entry',
    rule: 'compose.command',
    object: `${SOURCE} service cart-1`,
    message: /does not run apps\/cart\/dist\/main\.js/,
    path: ['services', 'cart-1', 'command'],
    value: ['apps/cart/src/main.ts'],
  },
  {
    defect: 'an entrypoint the pods do not use',
    rule: 'compose.command',
    object: `${SOURCE} service payments-1`,
    message:
      /entrypoint \["node"\] differs from Deployment\/trellis-fixture\/payments's command "\(the image's\)"/,
    path: ['services', 'payments-1', 'entrypoint'],
    value: ['node'],
  },
  {
    defect: 'a variable the manifest lacks',
    rule: 'compose.environment-names',
    object: `${SOURCE} service cart-1`,
    message: /sets RING_PARTITIONS, which Deployment\/trellis-fixture\/cart does not/,
    path: ['services', 'cart-1', 'environment', 'RING_PARTITIONS'],
    value: '64',
  },
  {
    defect: 'a variable the manifest sets',
    rule: 'compose.environment-names',
    object: `${SOURCE} service gateway-1`,
    message: /lacks SESSION_SECRET, which Deployment\/trellis-fixture\/gateway sets/,
    path: ['services', 'gateway-1', 'environment', 'SESSION_SECRET'],
    value: REMOVE,
  },
  {
    defect: 'another user',
    rule: 'compose.node-runtime',
    object: `${SOURCE} service cart-1`,
    message: /user 0:0 differs from the pods' 1000:1000/,
    path: ['services', 'cart-1', 'user'],
    value: '0:0',
  },
  {
    defect: 'a writable root',
    rule: 'compose.node-runtime',
    object: `${SOURCE} service cart-1`,
    message: /read_only false differs/,
    path: ['services', 'cart-1', 'read_only'],
    value: false,
  },
  {
    defect: 'a shorter grace period',
    rule: 'compose.node-runtime',
    object: `${SOURCE} service cart-1`,
    message: /stop_grace_period 10s differs from the pods' terminationGracePeriodSeconds 30/,
    path: ['services', 'cart-1', 'stop_grace_period'],
    value: '10s',
  },
  {
    defect: 'a backing service without a health check',
    rule: 'compose.health-checks',
    object: `${SOURCE} service postgres`,
    message: /has no health check/,
    path: ['services', 'postgres', 'healthcheck'],
    value: REMOVE,
  },
  {
    defect: 'a node health check on the wrong port',
    rule: 'compose.health-checks',
    object: `${SOURCE} service cart-2`,
    message: /does not ask \/health\/ready on the node's health port 9000/,
    path: ['services', 'cart-2', 'healthcheck', 'test'],
    value: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:3000/health/ready')"],
  },
  {
    defect: 'a disabled health check',
    rule: 'compose.health-checks',
    object: `${SOURCE} service gateway-1`,
    message: /has no health check/,
    path: ['services', 'gateway-1', 'healthcheck'],
    value: { disable: true },
  },
  {
    defect: 'no wait for Postgres',
    rule: 'compose.depends-on-healthy',
    object: `${SOURCE} service payments-1`,
    message: /settings name service postgres, but it does not depend on it/,
    path: ['services', 'payments-1', 'depends_on', 'postgres'],
    value: REMOVE,
  },
  {
    defect: 'a wait for the start only',
    rule: 'compose.depends-on-healthy',
    object: `${SOURCE} service cart-1`,
    message: /settings name service redis, but it waits only for service_started/,
    path: ['services', 'cart-1', 'depends_on'],
    value: ['rabbitmq', 'redis'],
  },
];

beforeAll(async () => {
  compose = parseCompose(await readFile(join(FIXTURES, 'compose.yaml'), 'utf8'), SOURCE) as ComposeFile;
  blueprint = await loadBlueprint(join(FIXTURES, 'blueprint.yaml'), {});
  manifests = (await renderKustomization(join(FIXTURES, 'bundle'))).objects;
});

describe('compose checks on fixtures', () => {
  it('the good fixture breaks no rule', async () => {
    const findings = await timed('compose checks on the fixture', () => checkAll(compose));
    expect(formatFindings(findings)).toBe('(none)');
  });

  it.each(BREAKAGES)('$rule fails on $defect, naming $object', ({ rule, object, message, path, value }) => {
    const findings = checkAll(editedDocument(compose, path, value));
    const named = findings.filter(
      (finding) => finding.rule === rule && finding.object === object && message.test(finding.message),
    );
    expect(named, `findings were:\n${formatFindings(findings)}`).not.toHaveLength(0);
  });

  it('every rule has a broken fixture that makes it fail', () => {
    const shown = new Set<string>(BREAKAGES.map((breakage) => breakage.rule));
    process.stdout.write(
      `[bundle-checks] compose rules: ${COMPOSE_RULES.length}, broken fixtures: ${BREAKAGES.length}\n`,
    );
    expect(COMPOSE_RULES.filter((rule) => !shown.has(rule))).toEqual([]);
  });
});
