// Step 5b: the compose file agrees with the blueprint and the Kubernetes manifests: one service per node of
// the blueprint, each running the same entry with the same environment variable names, user, read-only
// root and grace period as its family's Deployment, with health checks, and waiting for the services its
// URLs name to be healthy.
import type { Blueprint, Family } from '@trellis/supervisor';

import type { Finding } from '../finding';
import type { KubeObject } from '../kube-object';
import { healthListenerOf } from '../policy/health-listener';
import { PolicyContext } from '../policy/policy-context';
import type { NodeWorkload } from '../policy/policy-context';
import type { ComposeFile, ComposeService } from './compose-file';
import { argumentsOf, dependenciesOf, environmentOf } from './compose-file';

/** What the agreement check compares. */
export interface ComposeAgreementInput {
  readonly compose: ComposeFile;
  /** Names the compose file in findings. */
  readonly source: string;
  /** The blueprint the compose file runs (deploy/blueprint.yaml). */
  readonly blueprint: Blueprint;
  /** The rendered manifests whose Deployments the services must match (the dev overlay). */
  readonly manifests: readonly KubeObject[];
}

/** The backing services the platform needs, by the image they run. */
const BACKING_IMAGES = ['rabbitmq', 'redis', 'postgres'];

/** The compiled entry of a blueprint script: `apps/cart/src/main.ts` → `apps/cart/dist/main.js` (tsc's rootDir src, outDir dist). */
export function distEntryOf(script: string): string {
  return script.replace(/(^|\/)src\//, '$1dist/').replace(/\.ts$/, '.js');
}

/** `30s`, `1m30s`, `500ms` → seconds; `undefined` when it is not a Go duration. */
export function durationSeconds(duration: string): number | undefined {
  const units: Readonly<Record<string, number>> = {
    ns: 1e-9,
    us: 1e-6,
    µs: 1e-6,
    ms: 1e-3,
    s: 1,
    m: 60,
    h: 3600,
  };
  const parts = [...duration.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== duration) return undefined;
  return parts.reduce((sum, [, amount = '0', unit = 's']) => sum + Number(amount) * (units[unit] ?? 0), 0);
}

function imageName(image: string | undefined): string {
  const withoutTag = (image ?? '').replace(/[:@].*$/, '');
  return withoutTag.slice(withoutTag.lastIndexOf('/') + 1);
}

interface NodeService {
  readonly name: string;
  readonly service: ComposeService;
  readonly family: Family;
}

function nodeServicesOf(compose: ComposeFile, blueprint: Blueprint): NodeService[] {
  return Object.entries(compose.services).flatMap(([name, service]) => {
    const family = blueprint.families.find((candidate) => new RegExp(`^${candidate.name}-\\d+$`).test(name));
    return family === undefined ? [] : [{ name, service, family }];
  });
}

/** What every compose rule reads, and where it reports. */
interface Review {
  readonly compose: ComposeFile;
  readonly blueprint: Blueprint;
  readonly context: PolicyContext;
  readonly nodes: readonly NodeService[];
  readonly report: (rule: string, object: string, message: string) => void;
}

/** compose.services-per-node: services <family>-1 … <family>-<count>, no node service beyond them, unique NODE_IDs. */
function servicesPerNode({ compose, blueprint, nodes, report }: Review): void {
  for (const family of blueprint.families) {
    const expected = Array.from({ length: family.count }, (_, index) => `${family.name}-${index + 1}`);
    const actual = nodes.filter((node) => node.family === family).map((node) => node.name);
    const missing = expected.filter((name) => !actual.includes(name));
    const extra = actual.filter((name) => !expected.includes(name)).sort();
    if (missing.length > 0 || extra.length > 0) {
      const differences = [
        ...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []),
        ...(extra.length > 0 ? [`extra ${extra.join(', ')}`] : []),
      ];
      report(
        'compose.services-per-node',
        `family ${family.name}`,
        `the blueprint ${blueprint.file} counts ${family.count} nodes: services ${expected.join(', ') || '(none)'}; ${differences.join('; ')}`,
      );
    }
  }
  for (const [name, service] of Object.entries(compose.services)) {
    const entry = argumentsOf(service.command)?.find((argument) => argument.startsWith('apps/'));
    if (entry !== undefined && !nodes.some((node) => node.name === name)) {
      report(
        'compose.services-per-node',
        `service ${name}`,
        `runs ${entry} but is not named <family>-<n> for a family of ${blueprint.file}`,
      );
    }
  }
  const nodeIds = new Map<string, string>();
  // Simulators are no platform nodes: they take no NODE_ID.
  for (const node of nodes.filter((candidate) => candidate.family.type !== 'external')) {
    const nodeId = environmentOf(node.service).get('NODE_ID');
    const holder = nodeId === undefined ? undefined : nodeIds.get(nodeId);
    if (nodeId === undefined) report('compose.services-per-node', `service ${node.name}`, 'sets no NODE_ID');
    else if (holder !== undefined)
      report(
        'compose.services-per-node',
        `service ${node.name}`,
        `NODE_ID ${nodeId} is also service ${holder}'s`,
      );
    else nodeIds.set(nodeId, node.name);
  }
}

/** compose.backing-services: RabbitMQ, Redis and Postgres run beside the nodes. */
function backingServices({ compose, report }: Review): void {
  for (const backing of BACKING_IMAGES) {
    if (!Object.values(compose.services).some((service) => imageName(service.image) === backing)) {
      report(
        'compose.backing-services',
        'services',
        `no service runs the ${backing} image; the compose file must run the whole platform`,
      );
    }
  }
}

/** compose.command: the blueprint's entry, compiled, exactly as the family's Deployment runs it. */
function command(node: NodeService, workload: NodeWorkload | undefined, report: Review['report']): void {
  const object = `service ${node.name}`;
  const args = argumentsOf(node.service.command) ?? [];
  const entry = distEntryOf(node.family.script);
  if (!args.includes(entry)) {
    report(
      'compose.command',
      object,
      `command ${JSON.stringify(args)} does not run ${entry} (the blueprint's ${node.family.script}, compiled)`,
    );
  }
  const container = workload?.spec.containers[0];
  if (workload === undefined || container === undefined) {
    report(
      'compose.command',
      object,
      `the manifests have no Deployment of family ${node.family.name} to compare with`,
    );
    return;
  }
  const manifestArgs = container.args ?? [];
  if (JSON.stringify(args) !== JSON.stringify(manifestArgs)) {
    report(
      'compose.command',
      object,
      `command ${JSON.stringify(args)} differs from ${workload.ref}'s args ${JSON.stringify(manifestArgs)}`,
    );
  }
  const entrypoint = argumentsOf(node.service.entrypoint);
  if (JSON.stringify(entrypoint ?? null) !== JSON.stringify(container.command ?? null)) {
    report(
      'compose.command',
      object,
      `entrypoint ${JSON.stringify(entrypoint ?? "(the image's)")} differs from ${workload.ref}'s command ${JSON.stringify(container.command ?? "(the image's)")}`,
    );
  }
}

/** compose.environment-names: the same variable names as the Deployment (values may differ: host names). */
function environmentNames(
  node: NodeService,
  workload: NodeWorkload,
  context: PolicyContext,
  report: Review['report'],
): void {
  const container = workload.spec.containers[0];
  if (container === undefined) return;
  const composeNames = [...environmentOf(node.service).keys()];
  const manifestNames = [...context.environmentOf(workload.namespace, container).keys()];
  const onlyCompose = composeNames.filter((name) => !manifestNames.includes(name)).sort();
  const onlyManifest = manifestNames.filter((name) => !composeNames.includes(name)).sort();
  const object = `service ${node.name}`;
  if (onlyCompose.length > 0)
    report(
      'compose.environment-names',
      object,
      `sets ${onlyCompose.join(', ')}, which ${workload.ref} does not`,
    );
  if (onlyManifest.length > 0)
    report(
      'compose.environment-names',
      object,
      `lacks ${onlyManifest.join(', ')}, which ${workload.ref} sets`,
    );
}

/** compose.node-runtime: the same user, read-only root filesystem and grace period as the pods. */
function nodeRuntime(node: NodeService, workload: NodeWorkload, report: Review['report']): void {
  const object = `service ${node.name}`;
  const pod = workload.spec.securityContext ?? {};
  const own = workload.spec.containers[0]?.securityContext ?? {};
  const uid = own.runAsUser ?? pod.runAsUser;
  const gid = own.runAsGroup ?? pod.runAsGroup;
  const user = uid === undefined ? undefined : gid === undefined ? String(uid) : `${uid}:${gid}`;
  if (user !== undefined && node.service.user !== user) {
    report(
      'compose.node-runtime',
      object,
      `user ${node.service.user ?? "(the image's)"} differs from the pods' ${user}`,
    );
  }
  if ((own.readOnlyRootFilesystem === true) !== (node.service.read_only === true)) {
    report(
      'compose.node-runtime',
      object,
      `read_only ${String(node.service.read_only ?? false)} differs from the pods' readOnlyRootFilesystem ${String(own.readOnlyRootFilesystem ?? false)}`,
    );
  }
  const grace = workload.spec.terminationGracePeriodSeconds ?? 30;
  if (durationSeconds(node.service.stop_grace_period ?? '10s') !== grace) {
    report(
      'compose.node-runtime',
      object,
      `stop_grace_period ${node.service.stop_grace_period ?? '(default 10s)'} differs from the pods' terminationGracePeriodSeconds ${grace}`,
    );
  }
}

/** compose.health-checks: every service has one; a node's asks its readiness endpoint on its health port. */
function healthChecks({ compose, nodes, report }: Review): void {
  for (const [name, service] of Object.entries(compose.services)) {
    const test = service.healthcheck?.test;
    const words = test === undefined ? [] : typeof test === 'string' ? [test] : test;
    if (service.healthcheck?.disable === true || words.length === 0 || words[0] === 'NONE') {
      report('compose.health-checks', `service ${name}`, 'has no health check');
      continue;
    }
    const node = nodes.find((candidate) => candidate.name === name);
    if (node === undefined) continue;
    const port = environmentOf(service).get(healthListenerOf(node.family.name).port);
    if (!words.join(' ').includes(`:${port ?? '?'}/health/ready`)) {
      report(
        'compose.health-checks',
        `service ${name}`,
        `the health check does not ask /health/ready on the node's health port ${port ?? '(unset)'}`,
      );
    }
  }
}

/** compose.depends-on-healthy: a node waits for every service its settings name (as a URL's host or a host) to be healthy. */
function dependsOnHealthy({ compose, nodes, report }: Review): void {
  const serviceNames = Object.keys(compose.services);
  for (const node of nodes) {
    const dependencies = dependenciesOf(node.service);
    const named = new Set<string>();
    for (const value of environmentOf(node.service).values()) {
      if (value === undefined) continue;
      const host = URL.canParse(value) ? new URL(value).hostname : value;
      if (serviceNames.includes(host) && host !== node.name) named.add(host);
    }
    for (const host of named) {
      const condition = dependencies.get(host);
      if (condition !== 'service_healthy') {
        report(
          'compose.depends-on-healthy',
          `service ${node.name}`,
          `its settings name service ${host}, but it ${condition === undefined ? 'does not depend on it' : `waits only for ${condition}`}; it must wait for service_healthy`,
        );
      }
    }
  }
}

/** The compose file's findings against the blueprint and the manifests, rule by rule. */
export function checkComposeAgreement(input: ComposeAgreementInput): Finding[] {
  const findings: Finding[] = [];
  const context = new PolicyContext(input.manifests, input.blueprint);
  const review: Review = {
    compose: input.compose,
    blueprint: input.blueprint,
    context,
    nodes: nodeServicesOf(input.compose, input.blueprint),
    report: (rule, object, message) => findings.push({ rule, object: `${input.source} ${object}`, message }),
  };
  servicesPerNode(review);
  backingServices(review);
  for (const node of review.nodes) {
    const workload = context.nodeWorkloads.find((candidate) => candidate.family.name === node.family.name);
    command(node, workload, review.report);
    if (workload === undefined) continue;
    environmentNames(node, workload, context, review.report);
    nodeRuntime(node, workload, review.report);
  }
  healthChecks(review);
  dependsOnHealthy(review);
  return findings;
}

/** The rules this module reports under. */
export const COMPOSE_RULES = [
  'compose.schema',
  'compose.services-per-node',
  'compose.backing-services',
  'compose.command',
  'compose.environment-names',
  'compose.node-runtime',
  'compose.health-checks',
  'compose.depends-on-healthy',
] as const;
