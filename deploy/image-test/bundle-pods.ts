// Reads a rendered overlay the way a cluster would run it on one machine: one pod per node Deployment, each
// Service name pointing either at the Deployment it selects (a network alias of that pod's container) or, for
// the backing services the overlay runs as StatefulSets, at this machine's own service.
import type { KubeObject } from '../bundle-checks/kube-object';
import { mapSelects } from '../bundle-checks/label-selector';
import { parseDeployment } from './pod-spec';
import type { DeploymentSpec } from './pod-spec';

/** A Service of the bundle and where its name leads. */
export interface ServiceRoute {
  readonly service: string;
  /** The names a pod may use for it: `name`, `name.ns`, `name.ns.svc`, `name.ns.svc.cluster.local`. */
  readonly hostNames: readonly string[];
  readonly ports: ReadonlyArray<{
    readonly name?: string;
    readonly port: number;
    readonly targetPort: number;
  }>;
}

/** The bundle as the image test runs it. */
export interface BundlePods {
  readonly deployments: readonly DeploymentSpec[];
  /** Per Deployment name, the Services selecting its pods. */
  readonly servicesOf: ReadonlyMap<string, readonly ServiceRoute[]>;
  /** Services of the StatefulSets (RabbitMQ, Redis, PostgreSQL): this machine's services stand in for them. */
  readonly backingServices: readonly ServiceRoute[];
  /** The front-end Deployment (component `front-end`) and the container port of its Service's `http` port. */
  readonly frontEnd: { readonly deployment: string; readonly port: number } | undefined;
}

interface ServiceSpec {
  readonly selector?: Record<string, string>;
  readonly clusterIP?: string;
  readonly ports?: Array<{ name?: string; port: number; targetPort?: number | string }>;
}

function templateLabels(object: KubeObject): Record<string, string> {
  const spec = object['spec'] as
    { template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
  return spec?.template?.metadata?.labels ?? {};
}

function hostNamesOf(name: string, namespace: string): string[] {
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
}

/**
 * Finds the node Deployments and routes every Service with a selector. A Service whose port would need
 * translating to a different container port is refused: a network alias cannot remap ports, and nothing
 * in the bundle needs it.
 *
 * @throws Error naming the Service or Deployment that the test cannot run as written.
 */
export function bundlePodsOf(objects: readonly KubeObject[]): BundlePods {
  const deploymentObjects = objects.filter((object) => object.kind === 'Deployment');
  const deployments = deploymentObjects.map(parseDeployment);
  const statefulSets = objects.filter((object) => object.kind === 'StatefulSet');
  const servicesOf = new Map<string, ServiceRoute[]>();
  const backingServices: ServiceRoute[] = [];

  for (const service of objects.filter((object) => object.kind === 'Service')) {
    const spec = (service['spec'] ?? {}) as ServiceSpec;
    const selector = spec.selector;
    if (selector === undefined || Object.keys(selector).length === 0) continue;
    const name = service.metadata.name;
    const namespace = service.metadata.namespace ?? 'default';
    const target = deploymentObjects.find((deployment) => mapSelects(selector, templateLabels(deployment)));
    const container =
      target === undefined ? undefined : parseDeployment(target).spec.template.spec.containers[0];

    const ports = (spec.ports ?? []).map((port) => {
      const targetPort = port.targetPort ?? port.port;
      const number =
        typeof targetPort === 'number'
          ? targetPort
          : (container?.ports.find((candidate) => candidate.name === targetPort)?.containerPort ??
            (target === undefined ? port.port : undefined));
      if (number === undefined) {
        throw new Error(
          `Service ${name}: targetPort "${targetPort}" is no port of Deployment ${target?.metadata.name ?? ''}`,
        );
      }
      return { ...(port.name === undefined ? {} : { name: port.name }), port: port.port, targetPort: number };
    });
    const route: ServiceRoute = { service: name, hostNames: hostNamesOf(name, namespace), ports };

    if (target !== undefined) {
      for (const port of ports) {
        if (port.port !== port.targetPort) {
          throw new Error(
            `Service ${name}: port ${port.port} → ${port.targetPort}; the image test cannot remap ports`,
          );
        }
      }
      const routes = servicesOf.get(target.metadata.name) ?? [];
      routes.push(route);
      servicesOf.set(target.metadata.name, routes);
    } else if (statefulSets.some((set) => mapSelects(selector, templateLabels(set)))) {
      backingServices.push(route);
    }
  }
  const frontEndName = deployments.find(
    (deployment) => deployment.spec.template.metadata.labels['app.kubernetes.io/component'] === 'front-end',
  )?.metadata.name;
  const frontEndPort = (servicesOf.get(frontEndName ?? '') ?? [])
    .flatMap((route) => route.ports)
    .find((port) => port.name === 'http')?.targetPort;
  const frontEnd =
    frontEndName === undefined || frontEndPort === undefined
      ? undefined
      : { deployment: frontEndName, port: frontEndPort };
  return { deployments, servicesOf, backingServices, frontEnd };
}
