// How one node Deployment of the rendered bundle becomes one `podman run`: the manifest's image, command,
// arguments, environment, user and groups, read-only root filesystem with a tmpfs per emptyDir,
// capabilities, privilege escalation and limits, and what to check afterwards (probes, grace period,
// preStop). Anything the manifest asks for that this translation cannot honour is refused, never dropped.
import { quantityValue } from '../bundle-checks/quantity';
import type { ConfigSources, PodIdentity } from './pod-environment';
import { resolveContainer } from './pod-environment';
import type { ContainerSpec, DeploymentSpec, ProbeSpec } from './pod-spec';
import type { RunPlaces } from './run-isolation';
import { isolateEnvironment } from './run-isolation';

/** One HTTP probe to pass, on the port number the manifest's (possibly named) port stands for. */
export interface ProbeCheck {
  readonly kind: 'startup' | 'readiness' | 'liveness';
  readonly scheme: 'HTTP' | 'HTTPS';
  readonly path: string;
  readonly port: number;
  /** How long Kubernetes would give the probe to pass before it counts the pod as failed. */
  readonly budgetMs: number;
}

/** Where the container's network puts it: its network, its Service names, and host entries. */
export interface NetworkPlacement {
  readonly network: string;
  /** The Service names (short and qualified) that select this Deployment's pods. */
  readonly aliases: readonly string[];
  /** `host:address` entries for `/etc/hosts`: the Services whose pods this machine's own services stand in for. */
  readonly hosts: readonly string[];
}

/** What the test needs to run one Deployment and check it. */
export interface ContainerPlan {
  readonly deployment: string;
  readonly podName: string;
  readonly containerName: string;
  readonly image: string;
  /** Everything after `podman run`. */
  readonly runArguments: readonly string[];
  /** The variables pointed at the run's vhost, database or key prefix. */
  readonly isolatedVariables: readonly string[];
  readonly probes: readonly ProbeCheck[];
  readonly terminationGraceSeconds: number;
  /** The preStop hook, which the kubelet runs before SIGTERM, within the grace period. */
  readonly preStop: PreStopHook | undefined;
}

/** A preStop hook: a command run in the container, or a pause of the kubelet's own. */
export type PreStopHook =
  | { readonly kind: 'exec'; readonly command: readonly string[] }
  | { readonly kind: 'sleep'; readonly seconds: number };

function preStopOf(container: ContainerSpec): PreStopHook | undefined {
  const hook = container.lifecycle?.preStop;
  if (hook?.exec !== undefined) return { kind: 'exec', command: hook.exec.command };
  if (hook?.sleep !== undefined) return { kind: 'sleep', seconds: hook.sleep.seconds };
  return undefined;
}

/** The inputs of {@link planContainer} besides the Deployment. */
export interface PlanContext {
  readonly sources: ConfigSources;
  readonly places: RunPlaces;
  readonly placement: NetworkPlacement;
  readonly podName: string;
  readonly containerName: string;
  /** Labels that mark the run's containers, so clean-up finds them. */
  readonly labels: Readonly<Record<string, string>>;
  /** The image's own `USER` (`1000:1000`), used when the manifest gives no runAsUser, as the kubelet does. */
  readonly imageUser: string;
}

function refuse(deployment: string, what: string): never {
  throw new Error(`Deployment ${deployment}: ${what}`);
}

function probeCheck(
  deployment: string,
  container: ContainerSpec,
  kind: ProbeCheck['kind'],
  probe: ProbeSpec | undefined,
): ProbeCheck | undefined {
  if (probe === undefined) return undefined;
  if (probe.httpGet === undefined)
    refuse(deployment, `the ${kind} probe is not httpGet, which the image test checks`);
  const { port, path, scheme } = probe.httpGet;
  const number =
    typeof port === 'number'
      ? port
      : container.ports.find((candidate) => candidate.name === port)?.containerPort;
  if (number === undefined)
    refuse(
      deployment,
      `the ${kind} probe names port "${String(port)}", which the container does not declare`,
    );
  const budgetMs = (probe.initialDelaySeconds + probe.periodSeconds * probe.failureThreshold) * 1000;
  return { kind, scheme, path, port: number, budgetMs };
}

function userOf(deployment: DeploymentSpec, container: ContainerSpec, imageUser: string): string {
  const pod = deployment.spec.template.spec.securityContext;
  const uid = container.securityContext?.runAsUser ?? pod?.runAsUser;
  const gid = container.securityContext?.runAsGroup ?? pod?.runAsGroup;
  const runAsNonRoot = container.securityContext?.runAsNonRoot ?? pod?.runAsNonRoot ?? false;
  const [imageUid = '', imageGid] = imageUser.split(':');
  const effectiveUid = uid === undefined ? imageUid : String(uid);
  // The kubelet refuses a non-root pod whose user it cannot verify as a number other than 0.
  if (runAsNonRoot && !/^[1-9]\d*$/.test(effectiveUid)) {
    refuse(deployment.metadata.name, `runAsNonRoot, but the user would be "${effectiveUid || 'root'}"`);
  }
  const effectiveGid = gid === undefined ? imageGid : String(gid);
  return effectiveGid === undefined || effectiveGid === '' ? effectiveUid : `${effectiveUid}:${effectiveGid}`;
}

function mountArguments(deployment: DeploymentSpec, container: ContainerSpec): string[] {
  const name = deployment.metadata.name;
  const volumes = new Map(deployment.spec.template.spec.volumes.map((volume) => [volume.name, volume]));
  return container.volumeMounts.flatMap((mount) => {
    const volume =
      volumes.get(mount.name) ?? refuse(name, `volumeMount ${mount.name} names no volume of the pod`);
    if (volume.emptyDir === undefined) {
      refuse(name, `volume ${mount.name} is not an emptyDir, the only kind the image test mounts`);
    }
    const bytes =
      volume.emptyDir.sizeLimit === undefined ? undefined : quantityValue(volume.emptyDir.sizeLimit);
    // An emptyDir is a fresh, world-writable directory; a tmpfs of the same size limit is its stand-in.
    const options = ['rw', 'mode=1777', ...(bytes === undefined ? [] : [`size=${Math.ceil(bytes)}`])];
    return ['--tmpfs', `${mount.mountPath}:${options.join(',')}`];
  });
}

function securityArguments(deployment: DeploymentSpec, container: ContainerSpec): string[] {
  const context = container.securityContext ?? {};
  const args: string[] = [];
  if (context.privileged === true) args.push('--privileged');
  // Podman adds tmpfs mounts of its own to a read-only container unless told not to; Kubernetes adds none.
  if (context.readOnlyRootFilesystem === true) args.push('--read-only', '--read-only-tmpfs=false');
  if (context.allowPrivilegeEscalation === false) args.push('--security-opt=no-new-privileges');
  for (const capability of context.capabilities?.drop ?? [])
    args.push(`--cap-drop=${capability.toLowerCase()}`);
  for (const capability of context.capabilities?.add ?? [])
    args.push(`--cap-add=${capability.toLowerCase()}`);
  const fsGroup = deployment.spec.template.spec.securityContext?.fsGroup;
  if (fsGroup !== undefined) args.push(`--group-add=${fsGroup}`);
  return args;
}

function limitArguments(container: ContainerSpec): string[] {
  const limits = container.resources?.limits ?? {};
  const memory = limits.memory === undefined ? undefined : quantityValue(limits.memory);
  const cpu = limits.cpu === undefined ? undefined : quantityValue(limits.cpu);
  return [
    ...(memory === undefined ? [] : [`--memory=${Math.floor(memory)}`]),
    ...(cpu === undefined ? [] : [`--cpus=${cpu}`]),
  ];
}

/**
 * Plans the run of `deployment`'s one container as its pod `context.podName`.
 *
 * @throws Error naming the Deployment when it has init containers or more than one container, a probe the
 *   test cannot check, a volume other than an emptyDir, an unverifiable non-root user, or a reference that
 *   does not resolve.
 */
export function planContainer(deployment: DeploymentSpec, context: PlanContext): ContainerPlan {
  const name = deployment.metadata.name;
  const template = deployment.spec.template;
  if (template.spec.initContainers.length > 0)
    refuse(name, 'has init containers, which the image test does not run');
  const [container, ...sidecars] = template.spec.containers;
  if (container === undefined || sidecars.length > 0) refuse(name, 'must have exactly one container');

  const pod: PodIdentity = {
    name: context.podName,
    namespace: deployment.metadata.namespace,
    serviceAccountName: template.spec.serviceAccountName,
    labels: template.metadata.labels,
    annotations: template.metadata.annotations,
  };
  const resolved = resolveContainer(container, pod, context.sources);
  const { env, changed } = isolateEnvironment(resolved.env, context.places);

  const runArguments = [
    '--detach',
    '--pull=never',
    `--name=${context.containerName}`,
    `--hostname=${context.podName}`,
    ...Object.entries(context.labels).map(([key, value]) => `--label=${key}=${value}`),
    `--network=${context.placement.network}`,
    ...context.placement.aliases.map((alias) => `--network-alias=${alias}`),
    ...context.placement.hosts.map((entry) => `--add-host=${entry}`),
    `--user=${userOf(deployment, container, context.imageUser)}`,
    ...securityArguments(deployment, container),
    ...mountArguments(deployment, container),
    ...limitArguments(container),
    ...(container.workingDir === undefined ? [] : [`--workdir=${container.workingDir}`]),
    ...[...env].flatMap(([variable, value]) => ['--env', `${variable}=${value}`]),
    ...(resolved.command === undefined ? [] : [`--entrypoint=${JSON.stringify(resolved.command)}`]),
    container.image,
    ...(resolved.args ?? []),
  ];

  const probes = [
    probeCheck(name, container, 'startup', container.startupProbe),
    probeCheck(name, container, 'readiness', container.readinessProbe),
    probeCheck(name, container, 'liveness', container.livenessProbe),
  ].filter((probe): probe is ProbeCheck => probe !== undefined);
  if (!probes.some((probe) => probe.kind === 'readiness')) refuse(name, 'has no readiness probe');

  return {
    deployment: name,
    podName: context.podName,
    containerName: context.containerName,
    image: container.image,
    runArguments,
    isolatedVariables: changed,
    probes,
    terminationGraceSeconds: template.spec.terminationGracePeriodSeconds,
    preStop: preStopOf(container),
  };
}
