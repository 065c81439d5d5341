// docker/compose.yaml: the whole platform on one machine. RabbitMQ, Redis and Postgres, then one service per
// node of the default blueprint (`cart-1`, `cart-2`, …) running the image built from docker/Dockerfile with the
// same command, environment (the development values, host names being service names), user and read-only root
// filesystem as the dev overlay's pods.
import type { Blueprint } from '@trellis/supervisor';

import { BACKING_SERVICE_IMAGES, REDIS_ARGS } from '../backing-services';
import { COMPOSE_IMAGE } from '../bundle-layout';
import { CLUSTER_SETTINGS } from '../cluster-settings';
import { BACKING_SERVICE_HOSTS, DEVELOPMENT_DATABASE, developmentValueOf } from '../development-values';
import type { EnvEntry } from '../node-environment';
import { nodeEnvironment, simulatorEnvironment } from '../node-environment';
import type { NodeFamily } from '../node-family';
import { nodeFamilyOf } from '../node-family';
import {
  GATEWAY_PORT,
  HEALTH_PORT,
  NODE_USER_ID,
  READY_PATH,
  SIMULATOR_PORT,
  TERMINATION_GRACE_PERIOD_S,
  WRITABLE_PATH,
} from '../node-runtime';
import type { Manifest } from '../output/yaml-file';
import { runsSimulator, simulatorUrl, THIRD_PARTY_SYSTEMS } from '../third-party-systems';

/** What the compose file is rendered from. */
export interface ComposeInput {
  readonly blueprint: Blueprint;
  readonly root: string;
}

const healthTiming = { interval: '5s', timeout: '5s', retries: 30, start_period: '10s' };

/** The container's own check of its readiness route, with the Node.js in the image (no curl there). */
function readinessCheck(port: number): Record<string, unknown> {
  const script = `fetch('http://127.0.0.1:${port}${READY_PATH}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  return { test: ['CMD', 'node', '-e', script], ...healthTiming };
}

/** The values of a node's variables: what Kubernetes would resolve for the same pod in the dev overlay. */
function resolveEnvironment(
  entries: readonly EnvEntry[],
  nodeId: string,
  families: readonly string[],
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const { name, source } of entries) {
    switch (source.kind) {
      case 'value':
        resolved[name] = source.value;
        break;
      case 'node-id':
        resolved[name] = nodeId;
        break;
      case 'setting':
        resolved[name] = CLUSTER_SETTINGS[source.setting];
        break;
      case 'secret':
        resolved[name] = developmentValueOf(source.ref, families);
        break;
      case 'composed':
        resolved[name] = source.template.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_, variable: string) => {
          const value = resolved[variable];
          if (value === undefined)
            throw new Error(`${name} refers to ${variable}, which is not set before it`);
          return value;
        });
        break;
    }
  }
  return resolved;
}

function backingServices(): Record<string, unknown> {
  const { username, password, database } = DEVELOPMENT_DATABASE;
  return {
    [BACKING_SERVICE_HOSTS.rabbitmq]: {
      image: BACKING_SERVICE_IMAGES.rabbitmq,
      healthcheck: {
        test: ['CMD', 'rabbitmq-diagnostics', '-q', 'check_port_connectivity'],
        interval: '5s',
        timeout: '10s',
        retries: 30,
        start_period: '20s',
      },
    },
    [BACKING_SERVICE_HOSTS.redis]: {
      image: BACKING_SERVICE_IMAGES.redis,
      command: ['redis-server', ...REDIS_ARGS],
      healthcheck: { test: ['CMD', 'redis-cli', 'ping'], ...healthTiming },
    },
    [BACKING_SERVICE_HOSTS.postgres]: {
      image: BACKING_SERVICE_IMAGES.postgres,
      environment: { POSTGRES_USER: username, POSTGRES_PASSWORD: password, POSTGRES_DB: database },
      healthcheck: {
        test: ['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', username, '-d', database],
        ...healthTiming,
      },
    },
  };
}

/** The settings of one node service that do not depend on its family. */
function nodeService(family: NodeFamily, dependsOn: readonly string[]): Record<string, unknown> {
  return {
    image: COMPOSE_IMAGE,
    build: { context: '..', dockerfile: 'docker/Dockerfile' },
    command: [family.entry],
    user: `${NODE_USER_ID}:${NODE_USER_ID}`,
    read_only: true,
    tmpfs: [WRITABLE_PATH],
    stop_grace_period: `${TERMINATION_GRACE_PERIOD_S}s`,
    depends_on: Object.fromEntries(dependsOn.map((service) => [service, { condition: 'service_healthy' }])),
  };
}

/** The compose file's one document. */
export function composeManifest(input: ComposeInput): Manifest {
  const { blueprint, root } = input;
  const platformNames = blueprint.families
    .filter((family) => family.type !== 'external')
    .map((family) => family.name);
  const simulated = THIRD_PARTY_SYSTEMS.filter((system) => runsSimulator(blueprint, system));
  const services: Record<string, unknown> = backingServices();
  for (const blueprintFamily of blueprint.families) {
    const family = nodeFamilyOf(blueprintFamily, root);
    const simulator = simulated.find((system) => system.simulator === family.name);
    for (let index = 1; index <= family.count; index += 1) {
      const nodeId = `${family.name}-${index}`;
      if (simulator !== undefined) {
        services[nodeId] = {
          ...nodeService(family, []),
          environment: resolveEnvironment(simulatorEnvironment(simulator, family.env), nodeId, platformNames),
          healthcheck: readinessCheck(SIMULATOR_PORT),
          // Reached by the family's name, as the Service of the same name in Kubernetes.
          networks: { default: { aliases: [family.name] } },
        };
        continue;
      }
      const clientOf = simulated.filter((system) => system.client === family.name);
      const extra = Object.fromEntries(
        clientOf.map((system) => [system.urlVariable, simulatorUrl(system.simulator)]),
      );
      const dependsOn: string[] = [BACKING_SERVICE_HOSTS.rabbitmq];
      if (family.uses.redis) dependsOn.push(BACKING_SERVICE_HOSTS.redis);
      if (family.uses.database) dependsOn.push(BACKING_SERVICE_HOSTS.postgres);
      for (const system of clientOf) dependsOn.push(`${system.simulator}-1`);
      services[nodeId] = {
        ...nodeService(family, dependsOn),
        environment: resolveEnvironment(nodeEnvironment(family, extra), nodeId, platformNames),
        healthcheck: readinessCheck(HEALTH_PORT),
        ...(family.type === 'front-end' && index === 1
          ? { ports: [`127.0.0.1:${GATEWAY_PORT}:${GATEWAY_PORT}`] }
          : {}),
      };
    }
  }
  return {
    value: { name: 'trellis', services },
    comment:
      'The whole platform on one machine, with the development values of the dev overlay:\n' +
      '  docker compose -f docker/compose.yaml up --build     (or: podman compose …)\n' +
      'then the gateway answers on http://127.0.0.1:3000.',
  };
}
