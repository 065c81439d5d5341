// The objects around a family's Deployment: its ServiceAccount, PodDisruptionBudget and Services.
import { labelsOf, selectorOf } from '../recommended-labels';
import { HEALTH_PORT } from '../node-runtime';

/** A ServiceAccount that mounts no token: no node talks to the Kubernetes API. */
export function serviceAccountOf(name: string, component: string, version: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, labels: labelsOf(name, component, version) },
    automountServiceAccountToken: false,
  };
}

/**
 * One node of the family may be evicted at a time, whatever the replica count: the floor (replicas − 1) stays
 * below every autoscaler minimum, and a share-something dataset with two replicas never loses both holders of
 * a key to a drain.
 */
export function disruptionBudgetOf(
  name: string,
  component: string,
  version: string,
): Record<string, unknown> {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, labels: labelsOf(name, component, version) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(name) } },
  };
}

/** A Service on one named container port. */
export function serviceOf(options: {
  readonly name: string;
  readonly family: string;
  readonly component: string;
  readonly version: string;
  readonly port: number;
  readonly portName: string;
  /** Headless: one DNS record per pod, so a scraper reaches every node rather than one at random. */
  readonly headless?: boolean;
}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: options.name, labels: labelsOf(options.family, options.component, options.version) },
    spec: {
      ...(options.headless === true ? { clusterIP: 'None' } : { type: 'ClusterIP' }),
      selector: selectorOf(options.family),
      ports: [{ name: options.portName, port: options.port, targetPort: options.portName, protocol: 'TCP' }],
    },
  };
}

/** The headless Service of a family's health and metrics port. */
export function healthServiceOf(family: string, component: string, version: string): Record<string, unknown> {
  return serviceOf({
    name: `${family}-health`,
    family,
    component,
    version,
    port: HEALTH_PORT,
    portName: 'health',
    headless: true,
  });
}
