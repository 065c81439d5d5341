// The parts of a rendered Deployment the image test runs, parsed with zod so that a field the test relies on
// is checked rather than assumed (unknown fields are ignored here; the bundle's schema check rejects them).
import { z } from 'zod';

import type { KubeObject } from '../bundle-checks/kube-object';

const keyRef = z.object({ name: z.string(), key: z.string(), optional: z.boolean().optional() });
const nameRef = z.object({ name: z.string(), optional: z.boolean().optional() });

const envVar = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .object({
      configMapKeyRef: keyRef.optional(),
      secretKeyRef: keyRef.optional(),
      fieldRef: z.object({ fieldPath: z.string() }).optional(),
      resourceFieldRef: z.object({ resource: z.string() }).optional(),
    })
    .optional(),
});

const envFromSource = z.object({
  prefix: z.string().optional(),
  configMapRef: nameRef.optional(),
  secretRef: nameRef.optional(),
});

const httpGetAction = z.object({
  path: z.string().default('/'),
  port: z.union([z.number().int(), z.string()]),
  scheme: z.enum(['HTTP', 'HTTPS']).default('HTTP'),
});

const probe = z.object({
  httpGet: httpGetAction.optional(),
  exec: z.object({ command: z.array(z.string()) }).optional(),
  tcpSocket: z.object({ port: z.union([z.number().int(), z.string()]) }).optional(),
  initialDelaySeconds: z.number().int().default(0),
  periodSeconds: z.number().int().default(10),
  timeoutSeconds: z.number().int().default(1),
  failureThreshold: z.number().int().default(3),
});

const securityContext = z.object({
  runAsUser: z.number().int().optional(),
  runAsGroup: z.number().int().optional(),
  runAsNonRoot: z.boolean().optional(),
  /** Pod level only: the group the pod's volumes belong to, added to the container's groups. */
  fsGroup: z.number().int().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  privileged: z.boolean().optional(),
  capabilities: z
    .object({ drop: z.array(z.string()).optional(), add: z.array(z.string()).optional() })
    .optional(),
});

const container = z.object({
  name: z.string(),
  image: z.string(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  env: z.array(envVar).default([]),
  envFrom: z.array(envFromSource).default([]),
  ports: z
    .array(
      z.object({
        containerPort: z.number().int(),
        name: z.string().optional(),
        protocol: z.string().optional(),
      }),
    )
    .default([]),
  startupProbe: probe.optional(),
  readinessProbe: probe.optional(),
  livenessProbe: probe.optional(),
  securityContext: securityContext.optional(),
  volumeMounts: z
    .array(z.object({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() }))
    .default([]),
  lifecycle: z
    .object({
      preStop: z
        .object({
          exec: z.object({ command: z.array(z.string()) }).optional(),
          sleep: z.object({ seconds: z.number().int() }).optional(),
        })
        .optional(),
    })
    .optional(),
  resources: z
    .object({ limits: z.object({ cpu: z.string().optional(), memory: z.string().optional() }).optional() })
    .optional(),
});

const volume = z.object({
  name: z.string(),
  emptyDir: z.object({ medium: z.string().optional(), sizeLimit: z.string().optional() }).optional(),
  configMap: z.object({ name: z.string() }).optional(),
  secret: z.object({ secretName: z.string() }).optional(),
});

const deployment = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string().default('default') }),
  spec: z.object({
    template: z.object({
      metadata: z.object({
        labels: z.record(z.string(), z.string()).default({}),
        annotations: z.record(z.string(), z.string()).default({}),
      }),
      spec: z.object({
        containers: z.array(container).min(1),
        initContainers: z.array(container).default([]),
        securityContext: securityContext.optional(),
        serviceAccountName: z.string().default('default'),
        terminationGracePeriodSeconds: z.number().int().default(30),
        volumes: z.array(volume).default([]),
      }),
    }),
  }),
});

/** A Deployment as far as the image test reads it. */
export type DeploymentSpec = z.output<typeof deployment>;
/** One container of a pod template. */
export type ContainerSpec = z.output<typeof container>;
/** A readiness, liveness or startup probe. */
export type ProbeSpec = z.output<typeof probe>;
/** A container's or pod's security context. */
export type SecurityContextSpec = z.output<typeof securityContext>;

/**
 * Parses a rendered Deployment.
 *
 * @throws Error naming the Deployment and the first field that does not have the expected shape.
 */
export function parseDeployment(object: KubeObject): DeploymentSpec {
  const parsed = deployment.safeParse(object);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(
    `Deployment ${object.metadata.name}: ${issue?.path.join('.') ?? '(root)'} ${issue?.message ?? 'is malformed'}`,
  );
}
