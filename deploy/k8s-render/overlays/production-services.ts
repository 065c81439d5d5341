// Production's backing services, run by their operators: RabbitMQ as a RabbitmqCluster (three brokers) with
// one broker user per node family and its permissions (messaging topology operator), Postgres as a
// CloudNativePG Cluster (three instances).
import { BACKING_SERVICE_IMAGES } from '../backing-services';
import { BROKER_MONITOR_LOGIN, brokerLoginOf, DATABASE_URL_SECRET } from '../credentials';
import { BACKING_SERVICE_HOSTS } from '../development-values';
import type { NodeFamily } from '../node-family';
import type { Manifest } from '../output/yaml-file';
import { labelsOf } from '../recommended-labels';
import { brokerPermissionsOf } from '../served-interfaces';

const RABBITMQ = BACKING_SERVICE_HOSTS.rabbitmq;
const POSTGRES = BACKING_SERVICE_HOSTS.postgres;
const cluster = { rabbitmqClusterReference: { name: RABBITMQ } };

/** The CloudNativePG image: the same major version as the dev overlay's postgres image. */
export const POSTGRES_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:16.4';

/** The application database and its owner, whose login CloudNativePG generates. */
export const DATABASE = { name: 'trellis', owner: 'trellis' } as const;

/** The broker user KEDA reads queue depths with. */
export const KEDA_USER = BROKER_MONITOR_LOGIN.username.secret.replace(/-user-credentials$/, '');

const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

function rabbitmqCluster(version: string): Manifest {
  return {
    value: {
      apiVersion: 'rabbitmq.com/v1beta1',
      kind: 'RabbitmqCluster',
      metadata: { name: RABBITMQ, labels: labelsOf(RABBITMQ, 'broker', version) },
      spec: {
        replicas: 3,
        image: BACKING_SERVICE_IMAGES.rabbitmq,
        resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
        persistence: { storage: '20Gi' },
        override: {
          statefulSet: {
            spec: {
              template: {
                spec: {
                  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
                  containers: [{ name: 'rabbitmq', securityContext: restricted }],
                  initContainers: [{ name: 'setup-container', securityContext: restricted }],
                },
              },
            },
          },
        },
      },
    },
    comment:
      'Three brokers. The bus declares every durable queue as a quorum queue itself (x-queue-type), replicated\n' +
      'over the three; the Service `rabbitmq` is the one the nodes connect to. The override makes the pods\n' +
      'meet the restricted Pod Security Standard the namespace enforces.',
  };
}

function quorumPolicy(version: string): Manifest {
  return {
    value: {
      apiVersion: 'rabbitmq.com/v1beta1',
      kind: 'Policy',
      metadata: {
        name: 'trellis-quorum-queues',
        labels: labelsOf('trellis-quorum-queues', 'broker', version),
      },
      spec: {
        name: 'trellis-quorum-queues',
        vhost: '/',
        pattern: '^trellis\\.',
        applyTo: 'quorum_queues',
        definition: { 'queue-leader-locator': 'balanced' },
        ...cluster,
      },
    },
    comment:
      "A policy cannot change a queue's type (the bus makes them quorum queues when it declares them); this\n" +
      "one spreads the quorum queues' leaders over the three brokers.",
  };
}

function brokerUsers(families: readonly NodeFamily[], busPrefix: string, version: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const family of families) {
    const name = `trellis-${family.name}`;
    manifests.push(
      {
        value: {
          apiVersion: 'rabbitmq.com/v1beta1',
          kind: 'User',
          metadata: { name, labels: labelsOf(name, 'broker', version) },
          spec: { importCredentialsSecret: { name: brokerLoginOf(family.name).username.secret }, ...cluster },
        },
        comment:
          `The ${family.name} nodes' broker user. Its login is the Secret ${brokerLoginOf(family.name).username.secret}\n` +
          '(username, password), which the nodes read too; create it with a URL-safe password (README).',
      },
      {
        value: {
          apiVersion: 'rabbitmq.com/v1beta1',
          kind: 'Permission',
          metadata: { name, labels: labelsOf(name, 'broker', version) },
          spec: {
            vhost: '/',
            userReference: { name },
            permissions: brokerPermissionsOf(family, busPrefix),
            ...cluster,
          },
        },
        comment: `Only its own queues, the bus's two exchanges, and replies through the default exchange.`,
      },
    );
  }
  manifests.push(
    {
      value: {
        apiVersion: 'rabbitmq.com/v1beta1',
        kind: 'User',
        metadata: { name: KEDA_USER, labels: labelsOf(KEDA_USER, 'autoscaling', version) },
        spec: { tags: ['monitoring'], ...cluster },
      },
      comment: `KEDA's user: reads queue depths. The operator generates its login into the Secret ${BROKER_MONITOR_LOGIN.username.secret}.`,
    },
    {
      value: {
        apiVersion: 'rabbitmq.com/v1beta1',
        kind: 'Permission',
        metadata: { name: KEDA_USER, labels: labelsOf(KEDA_USER, 'autoscaling', version) },
        spec: {
          vhost: '/',
          userReference: { name: KEDA_USER },
          permissions: { configure: '^$', write: '^$', read: '^$' },
          ...cluster,
        },
      },
      comment: 'Access to the vhost and nothing in it: the monitoring tag is enough to read queue depths.',
    },
  );
  return manifests;
}

/** The RabbitmqCluster, its policy, and the users and permissions of `families`. */
export function productionBroker(
  families: readonly NodeFamily[],
  busPrefix: string,
  version: string,
): Manifest[] {
  return [rabbitmqCluster(version), quorumPolicy(version), ...brokerUsers(families, busPrefix, version)];
}

/** The CloudNativePG Cluster; its application Secret is the nodes' DATABASE_URL. */
export function productionDatabase(version: string): Manifest[] {
  return [
    {
      value: {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: POSTGRES, labels: labelsOf(POSTGRES, 'database', version) },
        spec: {
          instances: 3,
          imageName: POSTGRES_IMAGE,
          bootstrap: {
            initdb: { database: DATABASE.name, owner: DATABASE.owner },
          },
          storage: { size: '20Gi' },
          resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
        },
      },
      comment:
        `Three instances. The operator creates the Secret ${DATABASE_URL_SECRET.secret}: its key ${DATABASE_URL_SECRET.key} is the nodes'\n` +
        'DATABASE_URL (the primary, read-write); each family migrates its own schema there at start.',
    },
  ];
}
