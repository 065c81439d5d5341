// The Deployment of a node family (and of the payment-provider simulator, which runs from the same image).
import type { Profile } from '@trellis/supervisor';

import { nodeAffinityOf, RESOURCES_BY_PROFILE } from '../resource-profiles';
import { labelsOf, selectorOf } from '../recommended-labels';
import { LIVE_PATH, PRE_STOP_PAUSE_S, READY_PATH, TERMINATION_GRACE_PERIOD_S } from '../node-runtime';
import type { EnvVar } from './env-vars';
import {
  nodeContainerSecurityContext,
  nodePodSecurityContext,
  WRITABLE_MOUNT,
  WRITABLE_VOLUME,
} from './pod-security';

/** What differs between the Deployments of two families. */
export interface WorkloadSpec {
  /** The family: the Deployment's, ServiceAccount's and container's name. */
  readonly name: string;
  /** The node type (`app.kubernetes.io/component`). */
  readonly component: string;
  readonly version: string;
  readonly replicas: number;
  readonly image: string;
  /** The entry file `node` runs (the image's entrypoint is `tini -- node`, so this is the container's args). */
  readonly entry: string;
  readonly profile: Profile;
  readonly env: readonly EnvVar[];
  /** Container ports by name; `probePort` names the one that serves the health routes. */
  readonly ports: readonly { readonly name: string; readonly containerPort: number }[];
  readonly probePort: string;
}

/** Spreads a family's pods over machines, then zones; preferred, so a small cluster still schedules them. */
function spreadOf(name: string): Record<string, unknown>[] {
  return ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selectorOf(name) },
    // Counts only the pods of the current revision, so a rolling update spreads the new ones too.
    matchLabelKeys: ['pod-template-hash'],
  }));
}

function probesOf(port: string): Record<string, unknown> {
  const httpGet = (path: string) => ({ httpGet: { path, port } });
  return {
    // Until the node is ready for the first time (a migration, a dataset catching up: up to two minutes),
    // liveness is not asked; a node that never gets there is restarted.
    startupProbe: { ...httpGet(READY_PATH), periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 60 },
    livenessProbe: { ...httpGet(LIVE_PATH), periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    // A ready check waits up to 2 s for each of the node's own checks.
    readinessProbe: { ...httpGet(READY_PATH), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
  };
}

/** The Deployment of one family. */
export function deploymentOf(spec: WorkloadSpec): Record<string, unknown> {
  const labels = labelsOf(spec.name, spec.component, spec.version);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.name, labels },
    spec: {
      replicas: spec.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorOf(spec.name) },
      // A new pod is ready before an old one goes: a rollout never lowers capacity.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: spec.name,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: TERMINATION_GRACE_PERIOD_S,
          securityContext: nodePodSecurityContext(),
          affinity: nodeAffinityOf(spec.profile),
          topologySpreadConstraints: spreadOf(spec.name),
          containers: [
            {
              name: spec.name,
              image: spec.image,
              imagePullPolicy: 'IfNotPresent',
              args: [spec.entry],
              ports: spec.ports.map((port) => ({ ...port, protocol: 'TCP' })),
              env: spec.env,
              resources: RESOURCES_BY_PROFILE[spec.profile],
              securityContext: nodeContainerSecurityContext(),
              ...probesOf(spec.probePort),
              lifecycle: { preStop: { exec: { command: ['/bin/sleep', String(PRE_STOP_PAUSE_S)] } } },
              volumeMounts: [WRITABLE_MOUNT],
            },
          ],
          volumes: [WRITABLE_VOLUME],
        },
      },
    },
  };
}
