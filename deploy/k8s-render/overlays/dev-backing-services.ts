// The dev overlay's RabbitMQ, Redis and Postgres: small single-replica StatefulSets in the namespace, under the
// restricted Pod Security Standard like the nodes (non-root, no privilege escalation, no capabilities, the
// runtime's seccomp profile, a read-only root filesystem with emptyDirs for what they write besides their data).
import {
  BACKING_SERVICE_IMAGES,
  BACKING_SERVICE_USERS,
  RABBITMQ_MANAGEMENT_PORT,
  REDIS_ARGS,
} from '../backing-services';
import { DATABASE_URL_SECRET } from '../credentials';
import { BACKING_SERVICE_HOSTS } from '../development-values';
import { BACKING_SERVICE_PORTS } from '../kubernetes/network-policies';
import type { Manifest } from '../output/yaml-file';
import { labelsOf, selectorOf } from '../recommended-labels';

interface StatefulSpec {
  readonly name: string;
  readonly component: string;
  readonly version: string;
  readonly user: { readonly uid: number; readonly gid: number };
  readonly container: Record<string, unknown>;
  /** Writable emptyDirs (path by volume name). */
  readonly scratch: Readonly<Record<string, string>>;
  /** A persistent volume claim mounted at this path, or none. */
  readonly dataPath?: string;
  readonly ports: readonly { readonly name: string; readonly port: number }[];
}

function statefulSetOf(spec: StatefulSpec): Record<string, unknown> {
  const labels = labelsOf(spec.name, spec.component, spec.version);
  const mounts = Object.entries(spec.scratch).map(([name, mountPath]) => ({ name, mountPath }));
  if (spec.dataPath !== undefined) mounts.push({ name: 'data', mountPath: spec.dataPath });
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: spec.name, labels },
    spec: {
      serviceName: spec.name,
      replicas: 1,
      selector: { matchLabels: selectorOf(spec.name) },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: spec.user.uid,
            runAsGroup: spec.user.gid,
            fsGroup: spec.user.gid,
            // Only a fresh volume is handed to the group: a recursive change at every start would open up
            // RabbitMQ's Erlang cookie, which it then refuses to use.
            fsGroupChangePolicy: 'OnRootMismatch',
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: spec.name,
              ...spec.container,
              ports: spec.ports.map((port) => ({
                name: port.name,
                containerPort: port.port,
                protocol: 'TCP',
              })),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: mounts,
            },
          ],
          volumes: Object.keys(spec.scratch).map((name) => ({ name, emptyDir: {} })),
        },
      },
      ...(spec.dataPath === undefined
        ? {}
        : {
            volumeClaimTemplates: [
              {
                metadata: { name: 'data' },
                spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
              },
            ],
          }),
    },
  };
}

function serviceOf(spec: StatefulSpec): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: spec.name, labels: labelsOf(spec.name, spec.component, spec.version) },
    spec: {
      type: 'ClusterIP',
      selector: selectorOf(spec.name),
      ports: spec.ports.map((port) => ({
        name: port.name,
        port: port.port,
        targetPort: port.name,
        protocol: 'TCP',
      })),
    },
  };
}

const small = (cpu: string, memory: string) => ({
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu, memory },
});

function rabbitmq(version: string): StatefulSpec {
  const amqp = BACKING_SERVICE_PORTS.rabbitmq;
  return {
    name: BACKING_SERVICE_HOSTS.rabbitmq,
    component: 'broker',
    version,
    user: BACKING_SERVICE_USERS.rabbitmq,
    // The data folder (also its home: the Erlang cookie) is the volume; logs go to the console, and these two
    // small emptyDirs take anything else the server writes (Erlang's temporary files, a log file if enabled).
    scratch: { logs: '/var/log/rabbitmq', tmp: '/tmp' },
    dataPath: '/var/lib/rabbitmq',
    ports: [
      { name: 'amqp', port: amqp },
      { name: 'management', port: RABBITMQ_MANAGEMENT_PORT },
    ],
    container: {
      image: BACKING_SERVICE_IMAGES.rabbitmq,
      env: [{ name: 'RABBITMQ_LOGS', value: '-' }],
      resources: small('1', '1Gi'),
      readinessProbe: { tcpSocket: { port: 'amqp' }, periodSeconds: 5, failureThreshold: 3 },
      livenessProbe: {
        tcpSocket: { port: 'amqp' },
        initialDelaySeconds: 60,
        periodSeconds: 20,
        failureThreshold: 3,
      },
    },
  };
}

function redis(version: string): StatefulSpec {
  return {
    name: BACKING_SERVICE_HOSTS.redis,
    component: 'cache',
    version,
    user: BACKING_SERVICE_USERS.redis,
    // Nothing is kept (REDIS_ARGS), so its working directory is a plain emptyDir.
    scratch: { data: '/data' },
    ports: [{ name: 'redis', port: BACKING_SERVICE_PORTS.redis }],
    container: {
      image: BACKING_SERVICE_IMAGES.redis,
      args: ['redis-server', ...REDIS_ARGS],
      resources: small('500m', '256Mi'),
      readinessProbe: { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 5 },
      livenessProbe: { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 20 },
    },
  };
}

function postgres(version: string): StatefulSpec {
  const fromApp = (key: string) => ({ secretKeyRef: { name: DATABASE_URL_SECRET.secret, key } });
  const ready = {
    exec: { command: ['pg_isready', '-h', '127.0.0.1', '-p', String(BACKING_SERVICE_PORTS.postgres)] },
  };
  return {
    name: BACKING_SERVICE_HOSTS.postgres,
    component: 'database',
    version,
    user: BACKING_SERVICE_USERS.postgres,
    // The server's socket and lock files, and scratch space for initdb.
    scratch: { run: '/var/run/postgresql', tmp: '/tmp' },
    dataPath: '/var/lib/postgresql/data',
    ports: [{ name: 'postgres', port: BACKING_SERVICE_PORTS.postgres }],
    container: {
      image: BACKING_SERVICE_IMAGES.postgres,
      env: [
        { name: 'POSTGRES_USER', valueFrom: fromApp('username') },
        { name: 'POSTGRES_PASSWORD', valueFrom: fromApp('password') },
        { name: 'POSTGRES_DB', valueFrom: fromApp('dbname') },
        // A folder below the mount point: a fresh volume's root may hold lost+found, which initdb refuses.
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      ],
      resources: small('1', '512Mi'),
      readinessProbe: { ...ready, periodSeconds: 5 },
      livenessProbe: { ...ready, initialDelaySeconds: 30, periodSeconds: 20 },
    },
  };
}

/** The StatefulSets and Services of the dev overlay's backing services. */
export function devBackingServices(version: string): Manifest[] {
  const specs = [rabbitmq(version), redis(version), postgres(version)];
  return specs.flatMap((spec): Manifest[] => [{ value: statefulSetOf(spec) }, { value: serviceOf(spec) }]);
}
