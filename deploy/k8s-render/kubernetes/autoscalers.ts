// Scaling per family: the front end on CPU (a HorizontalPodAutoscaler), logic and service families on the depth
// of their queues (a KEDA ScaledObject with the RabbitMQ trigger), each between the blueprint's bounds.
import { NAMESPACE } from '../bundle-layout';
import { BROKER_MONITOR_LOGIN } from '../credentials';
import type { NodeFamily } from '../node-family';
import { labelsOf } from '../recommended-labels';
import type { ScalingBounds } from '../scaling-bounds';
import { prefetchOf, workQueuePattern } from '../served-interfaces';

/** CPU use, of the requests, that the front end scales to keep. */
export const FRONT_END_CPU_TARGET = 70;

/** The TriggerAuthentication every ScaledObject reads the broker's management login from. */
export const BROKER_TRIGGER_AUTHENTICATION = 'trellis-broker-monitor';

/** The broker's management API, as KEDA (in its own namespace) reaches it: the default vhost `/`. */
export const BROKER_MANAGEMENT_URL = `http://rabbitmq.${NAMESPACE}.svc:15672/`;

/** A HorizontalPodAutoscaler on CPU. */
export function cpuAutoscalerOf(
  family: NodeFamily,
  bounds: ScalingBounds,
  version: string,
): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: family.name, labels: labelsOf(family.name, family.type, version) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: family.name },
      minReplicas: bounds.min,
      maxReplicas: bounds.max,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: FRONT_END_CPU_TARGET },
          },
        },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}

/**
 * A KEDA ScaledObject on the family's backlog: ready and unacknowledged messages over all its work queues
 * (shared and per-node), one prefetch window per node.
 */
export function queueAutoscalerOf(
  family: NodeFamily,
  bounds: ScalingBounds,
  version: string,
  busPrefix: string,
): Record<string, unknown> {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: family.name, labels: labelsOf(family.name, family.type, version) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: family.name },
      minReplicaCount: bounds.min,
      maxReplicaCount: bounds.max,
      pollingInterval: 15,
      cooldownPeriod: 300,
      triggers: [
        {
          type: 'rabbitmq',
          metadata: {
            host: BROKER_MANAGEMENT_URL,
            protocol: 'http',
            mode: 'QueueLength',
            value: String(prefetchOf(family.name)),
            useRegex: 'true',
            operation: 'sum',
            queueName: workQueuePattern(family.name, busPrefix),
          },
          authenticationRef: { name: BROKER_TRIGGER_AUTHENTICATION },
        },
      ],
    },
  };
}

/** The TriggerAuthentication: the management login, by Secret key (KEDA builds the request's credentials). */
export function brokerTriggerAuthenticationOf(version: string): Record<string, unknown> {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: {
      name: BROKER_TRIGGER_AUTHENTICATION,
      labels: labelsOf(BROKER_TRIGGER_AUTHENTICATION, 'autoscaling', version),
    },
    spec: {
      secretTargetRef: [
        {
          parameter: 'username',
          name: BROKER_MONITOR_LOGIN.username.secret,
          key: BROKER_MONITOR_LOGIN.username.key,
        },
        {
          parameter: 'password',
          name: BROKER_MONITOR_LOGIN.password.secret,
          key: BROKER_MONITOR_LOGIN.password.key,
        },
      ],
    },
  };
}

/** The autoscaler of a family: on CPU for the front end, on its queues for the others. */
export function autoscalerOf(
  family: NodeFamily,
  bounds: ScalingBounds,
  version: string,
  busPrefix: string,
): Record<string, unknown> {
  return family.type === 'front-end'
    ? cpuAutoscalerOf(family, bounds, version)
    : queueAutoscalerOf(family, bounds, version, busPrefix);
}
