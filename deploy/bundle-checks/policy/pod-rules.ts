// Rules over the pods of the bundle: probes, resources by profile, the restricted Pod Security Standard,
// images, graceful shutdown, spreading and service account tokens.
import { selectorSelects } from '../label-selector';
import { sameQuantity } from '../quantity';
import { containersOf } from './policy-context';
import type { NodeWorkload } from './policy-context';
import type { Container, LifecycleHandler, PodSpec, Probe } from './pod-views';
import { defineRule } from './policy-rule';
import type { PolicyRule } from './policy-rule';
import { healthListenerOf } from './health-listener';
import { NODE_CLASS_LABEL, PROFILE_RESOURCES } from './profile-resources';

/** What every node serves on its health port (libs/node-kit health-server.ts). */
const LIVE_PATH = '/health/live';
const READY_PATH = '/health/ready';
/** Addresses that let the kubelet reach a port; the nodes' default, 127.0.0.1, does not. */
const REACHABLE_HOSTS = ['0.0.0.0', '::'];
/** The nodes' graceful shutdown when SHUTDOWN_TIMEOUT_MS is unset (libs/node-kit settings.ts). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Kubernetes' own default when a pod does not set terminationGracePeriodSeconds. */
const DEFAULT_GRACE_PERIOD_S = 30;

const PROBES: readonly {
  field: 'livenessProbe' | 'readinessProbe' | 'startupProbe';
  paths: readonly string[];
}[] = [
  { field: 'livenessProbe', paths: [LIVE_PATH] },
  { field: 'readinessProbe', paths: [READY_PATH] },
  { field: 'startupProbe', paths: [LIVE_PATH, READY_PATH] },
];

function portNumberOf(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((declared) => declared.name === port)?.containerPort;
}

/** The node containers of a workload: those that run a node (all of its regular containers). */
function nodeContainers(workload: NodeWorkload): readonly Container[] {
  return workload.spec.containers;
}

const probes = defineRule(
  'pod.probes',
  'every node container has liveness (/health/live), readiness (/health/ready) and startup probes on the health port it listens on, on an address the kubelet reaches',
  (context, report) => {
    for (const workload of context.nodeWorkloads) {
      const listener = healthListenerOf(workload.family.name);
      for (const container of nodeContainers(workload)) {
        const where = `container ${container.name}`;
        const env = context.environmentOf(workload.namespace, container);
        const portSetting = env.get(listener.port)?.value ?? String(listener.defaultPort);
        const healthPort = /^\d+$/.test(portSetting) && portSetting !== '0' ? Number(portSetting) : undefined;
        if (healthPort === undefined) {
          report(
            workload.ref,
            `${where}: ${listener.port} must be set to a fixed port the probes can name (got ${portSetting === '0' ? '0: a free port is picked' : portSetting})`,
          );
        } else if (!(container.ports ?? []).some((port) => port.containerPort === healthPort)) {
          report(
            workload.ref,
            `${where}: the health port ${healthPort} (${listener.port}) is not among the container's ports`,
          );
        }
        const host = env.get(listener.host)?.value ?? listener.defaultHost;
        if (!REACHABLE_HOSTS.includes(host)) {
          report(
            workload.ref,
            `${where}: ${listener.host} must be 0.0.0.0 so the kubelet reaches the probes (got ${host})`,
          );
        }
        for (const { field, paths } of PROBES) {
          const probe: Probe | undefined = container[field];
          if (probe?.httpGet === undefined) {
            report(workload.ref, `${where}: ${field} must be an httpGet probe on ${paths.join(' or ')}`);
            continue;
          }
          const { path = '/', port } = probe.httpGet;
          if (!paths.includes(path)) {
            report(workload.ref, `${where}: ${field} probes ${path}, not ${paths.join(' or ')}`);
          }
          const number = portNumberOf(container, port);
          if (number === undefined) {
            report(
              workload.ref,
              `${where}: ${field} names port ${String(port)}, which the container does not declare`,
            );
          } else if (healthPort !== undefined && number !== healthPort) {
            report(
              workload.ref,
              `${where}: ${field} probes port ${number}, but the node listens on ${listener.port} ${healthPort}`,
            );
          }
        }
      }
    }
  },
);

const resources = defineRule(
  'pod.resources',
  "every container sets CPU and memory requests and limits; a node container's equal its family's profile",
  (context, report) => {
    for (const workload of context.workloads) {
      if (workload.spec === undefined) continue;
      for (const container of containersOf(workload.spec)) {
        for (const kind of ['requests', 'limits'] as const) {
          for (const resource of ['cpu', 'memory'] as const) {
            if (container.resources?.[kind]?.[resource] === undefined) {
              report(workload.ref, `container ${container.name}: ${kind}.${resource} is not set`);
            }
          }
        }
      }
    }
    for (const workload of context.nodeWorkloads) {
      const wanted = PROFILE_RESOURCES[workload.family.profile];
      for (const container of nodeContainers(workload)) {
        for (const kind of ['requests', 'limits'] as const) {
          for (const resource of ['cpu', 'memory'] as const) {
            const actual = container.resources?.[kind]?.[resource];
            if (actual !== undefined && !sameQuantity(actual, wanted[kind][resource])) {
              report(
                workload.ref,
                `container ${container.name}: ${kind}.${resource} is ${String(actual)}, but profile ${workload.family.profile} of family ${workload.family.name} asks for ${wanted[kind][resource]}`,
              );
            }
          }
        }
      }
    }
  },
);

function prefersNodeClass(spec: PodSpec, profile: string): boolean {
  if (spec.nodeSelector?.[NODE_CLASS_LABEL] === profile) return true;
  const affinity = spec.affinity?.nodeAffinity;
  const terms = [
    ...(affinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((term) => term.preference),
    ...(affinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []),
  ];
  return terms.some((term) =>
    (term.matchExpressions ?? []).some(
      (expression) =>
        expression.key === NODE_CLASS_LABEL &&
        expression.operator === 'In' &&
        (expression.values ?? []).length === 1 &&
        expression.values?.[0] === profile,
    ),
  );
}

const profileScheduling = defineRule(
  'pod.profile-scheduling',
  `node pods ask for nodes of their family's profile (${NODE_CLASS_LABEL})`,
  (context, report) => {
    for (const workload of context.nodeWorkloads) {
      if (!prefersNodeClass(workload.spec, workload.family.profile)) {
        report(
          workload.ref,
          `pods of family ${workload.family.name} do not ask for nodes with ${NODE_CLASS_LABEL}=${workload.family.profile}`,
        );
      }
    }
  },
);

/** Volume sources the restricted Pod Security Standard allows. */
const RESTRICTED_VOLUME_SOURCES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** The restricted Pod Security Standard (kubernetes.io/docs/concepts/security/pod-security-standards). */
function restrictedViolations(spec: PodSpec): string[] {
  const problems: string[] = [];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field] === true) problems.push(`${field} is true`);
  }
  for (const volume of spec.volumes ?? []) {
    const sources = Object.keys(volume).filter((key) => key !== 'name');
    for (const source of sources) {
      if (!RESTRICTED_VOLUME_SOURCES.has(source))
        problems.push(`volume ${volume.name} is a ${source} volume`);
    }
  }
  const pod = spec.securityContext ?? {};
  if (pod.runAsUser === 0) problems.push('the pod runs as user 0');
  for (const container of containersOf(spec)) {
    const own = container.securityContext ?? {};
    const where = `container ${container.name}`;
    if ((own.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot is not true`);
    if ((own.runAsUser ?? pod.runAsUser) === 0) problems.push(`${where}: runs as user 0`);
    if (own.allowPrivilegeEscalation !== false)
      problems.push(`${where}: allowPrivilegeEscalation is not false`);
    if (own.privileged === true) problems.push(`${where}: is privileged`);
    if (!(own.capabilities?.drop ?? []).includes('ALL'))
      problems.push(`${where}: does not drop ALL capabilities`);
    const added = (own.capabilities?.add ?? []).filter((capability) => capability !== 'NET_BIND_SERVICE');
    if (added.length > 0) problems.push(`${where}: adds capabilities ${added.join(', ')}`);
    const seccomp = (own.seccompProfile ?? pod.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      problems.push(`${where}: seccompProfile is ${seccomp ?? 'unset'}, not RuntimeDefault`);
    }
    if (own.procMount !== undefined && own.procMount !== 'Default')
      problems.push(`${where}: procMount is ${own.procMount}`);
    for (const port of container.ports ?? []) {
      if (port.hostPort !== undefined && port.hostPort !== 0)
        problems.push(`${where}: uses host port ${port.hostPort}`);
    }
  }
  return problems;
}

const restrictedSecurity = defineRule(
  'pod.restricted-security',
  'every pod meets the restricted Pod Security Standard (non-root, no privilege escalation, ALL capabilities dropped, RuntimeDefault seccomp, no host namespaces, ports or paths)',
  (context, report) => {
    for (const workload of context.workloads) {
      if (workload.spec === undefined) continue;
      for (const problem of restrictedViolations(workload.spec)) report(workload.ref, problem);
    }
  },
);

const readOnlyRoot = defineRule(
  'pod.read-only-root',
  'every container has a read-only root filesystem (emptyDir volumes for what must be written)',
  (context, report) => {
    for (const workload of context.workloads) {
      if (workload.spec === undefined) continue;
      for (const container of containersOf(workload.spec)) {
        if (container.securityContext?.readOnlyRootFilesystem !== true) {
          report(workload.ref, `container ${container.name}: readOnlyRootFilesystem is not true`);
        }
      }
    }
  },
);

/** Why an image reference is not pinned, or `undefined` when it names a tag other than `latest` or a digest. */
export function unpinnedImage(image: string | undefined): string | undefined {
  if (image === undefined || image.trim() === '') return 'has no image';
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  if (colon < 0) return `image ${image} has no tag (it means latest)`;
  if (lastPart.slice(colon + 1) === 'latest') return `image ${image} uses the latest tag`;
  return undefined;
}

const imageTags = defineRule(
  'pod.image-tags',
  'every image is pinned by a tag other than latest, or by digest',
  (context, report) => {
    for (const workload of context.workloads) {
      if (workload.spec === undefined) continue;
      for (const container of containersOf(workload.spec)) {
        const problem = unpinnedImage(container.image);
        if (problem !== undefined) report(workload.ref, `container ${container.name}: ${problem}`);
      }
    }
  },
);

/** Seconds a preStop hook pauses: `sleep: {seconds}`, or an exec of `sleep N` (directly or through a shell). */
export function preStopPauseSeconds(handler: LifecycleHandler | undefined): number | undefined {
  if (handler?.sleep !== undefined) return handler.sleep.seconds;
  const command = handler?.exec?.command ?? [];
  const line =
    command.length >= 3 && /(^|\/)(ba)?sh$/.test(command[0] ?? '') && command[1] === '-c'
      ? (command[2] ?? '')
      : command.join(' ');
  const match = /^(?:\S*\/)?sleep\s+(\d+(?:\.\d+)?)s?$/.exec(line.trim());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

const gracePeriod = defineRule(
  'pod.grace-period',
  "a node pod's terminationGracePeriodSeconds exceeds the node's graceful shutdown (SHUTDOWN_TIMEOUT_MS) plus its preStop pause",
  (context, report) => {
    for (const workload of context.nodeWorkloads) {
      const grace = workload.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_S;
      for (const container of nodeContainers(workload)) {
        const where = `container ${container.name}`;
        const setting = context.environmentOf(workload.namespace, container).get('SHUTDOWN_TIMEOUT_MS');
        if (setting !== undefined && setting.value === undefined) {
          report(
            workload.ref,
            `${where}: SHUTDOWN_TIMEOUT_MS comes from ${setting.source}, outside the bundle, so the grace period cannot be checked`,
          );
          continue;
        }
        const shutdownS = Number(setting?.value ?? DEFAULT_SHUTDOWN_TIMEOUT_MS) / 1000;
        const pause = preStopPauseSeconds(container.lifecycle?.preStop);
        if (pause === undefined) {
          report(
            workload.ref,
            `${where}: has no preStop pause (e.g. sleep 5) to let endpoints drain before SIGTERM`,
          );
        }
        if (!(grace > shutdownS + (pause ?? 0))) {
          report(
            workload.ref,
            `${where}: terminationGracePeriodSeconds ${grace} is not above the graceful shutdown ${shutdownS}s plus the preStop pause ${pause ?? 0}s`,
          );
        }
      }
    }
  },
);

const topologySpread = defineRule(
  'pod.topology-spread',
  'node pods spread across nodes (kubernetes.io/hostname) and zones (topology.kubernetes.io/zone) by a constraint that selects them',
  (context, report) => {
    for (const workload of context.nodeWorkloads) {
      for (const key of ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']) {
        const constraint = (workload.spec.topologySpreadConstraints ?? []).find(
          (candidate) => candidate.topologyKey === key,
        );
        if (constraint === undefined) {
          report(workload.ref, `no topologySpreadConstraint on ${key}`);
        } else if (
          constraint.labelSelector === undefined ||
          !selectorSelects(constraint.labelSelector, workload.podLabels)
        ) {
          report(
            workload.ref,
            `the topologySpreadConstraint on ${key} does not select the workload's own pods`,
          );
        }
      }
    }
  },
);

const serviceAccountToken = defineRule(
  'pod.service-account',
  'node pods run as their own ServiceAccount with no automounted API token',
  (context, report) => {
    for (const workload of context.nodeWorkloads) {
      const name = workload.spec.serviceAccountName;
      if (name === undefined || name === 'default') {
        report(workload.ref, 'runs as the default ServiceAccount; give the family its own');
        continue;
      }
      const account = context.find('ServiceAccount', workload.namespace, name);
      const automount =
        workload.spec.automountServiceAccountToken ?? account?.['automountServiceAccountToken'];
      if (automount !== false)
        report(
          workload.ref,
          `mounts an API token (automountServiceAccountToken is not false on the pod or ServiceAccount/${name})`,
        );
    }
  },
);

/** The pod rules, in the order they report. */
export const POD_RULES: readonly PolicyRule[] = [
  probes,
  resources,
  profileScheduling,
  restrictedSecurity,
  readOnlyRoot,
  imageTags,
  gracePeriod,
  topologySpread,
  serviceAccountToken,
];
