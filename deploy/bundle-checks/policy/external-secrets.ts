// The Secrets the bundle refers to but does not hold, listed on purpose: those the operators create from
// the bundle's custom resources, and those the person deploying creates (documented in the README).
import { groupOf } from '../kube-object';
import type { KubeObject } from '../kube-object';

/** A Secret that will exist in the cluster although the bundle does not hold it. */
export interface ExternalSecret {
  readonly namespace: string;
  readonly name: string;
  /** The keys it will hold. */
  readonly keys: readonly string[];
  /** Who creates it, for messages. */
  readonly createdBy: string;
}

interface OperatorSecretRule {
  readonly createdBy: string;
  readonly secrets: (
    object: KubeObject,
  ) => readonly { readonly name: string; readonly keys: readonly string[] }[];
}

const TLS_KEYS = ['tls.crt', 'tls.key', 'ca.crt'];

function specOf(object: KubeObject): Record<string, unknown> {
  return (object['spec'] ?? {}) as Record<string, unknown>;
}

/** cert-manager's ingress-shim makes a Certificate (and its Secret) for annotated Ingresses and Gateways. */
function hasIssuerAnnotation(object: KubeObject): boolean {
  const annotations = object.metadata.annotations ?? {};
  return ['cert-manager.io/issuer', 'cert-manager.io/cluster-issuer'].some(
    (key) => annotations[key] !== undefined,
  );
}

/**
 * Per custom resource (group/kind), the Secrets its operator creates, with their keys as the operators'
 * sources write them:
 * - rabbitmq/cluster-operator internal/resource/default_user_secret.go: `<cluster>-default-user`;
 * - rabbitmq/messaging-topology-operator internal/controller/user_controller.go: `<user>-user-credentials`
 *   (unless the User imports its credentials from a Secret of its own);
 * - cloudnative-pg pkg/specs/secrets.go: `<cluster>-app` (and `<cluster>-superuser` when enabled);
 * - cert-manager: a Certificate's `spec.secretName`, and the TLS Secrets of annotated Ingresses and Gateways.
 */
const OPERATOR_SECRETS: Readonly<Record<string, OperatorSecretRule>> = {
  'rabbitmq.com/RabbitmqCluster': {
    createdBy: 'the RabbitMQ Cluster Operator',
    secrets: ({ metadata }) => [
      {
        name: `${metadata.name}-default-user`,
        keys: ['username', 'password', 'host', 'port', 'provider', 'type', 'default_user.conf'],
      },
    ],
  },
  'rabbitmq.com/User': {
    createdBy: 'the RabbitMQ Messaging Topology Operator',
    secrets: (user) =>
      specOf(user)['importCredentialsSecret'] === undefined
        ? [{ name: `${user.metadata.name}-user-credentials`, keys: ['username', 'password'] }]
        : [],
  },
  'postgresql.cnpg.io/Cluster': {
    createdBy: 'CloudNativePG',
    secrets: (cluster) => {
      const keys = [
        'username',
        'user',
        'password',
        'dbname',
        'host',
        'port',
        'pgpass',
        'uri',
        'jdbc-uri',
        'fqdn-uri',
        'fqdn-jdbc-uri',
      ];
      const superuser =
        specOf(cluster)['enableSuperuserAccess'] === true
          ? [{ name: `${cluster.metadata.name}-superuser`, keys }]
          : [];
      return [{ name: `${cluster.metadata.name}-app`, keys }, ...superuser];
    },
  },
  'cert-manager.io/Certificate': {
    createdBy: 'cert-manager',
    secrets: (certificate) => {
      const name = specOf(certificate)['secretName'];
      return typeof name === 'string' ? [{ name, keys: TLS_KEYS }] : [];
    },
  },
  'networking.k8s.io/Ingress': {
    createdBy: "cert-manager's ingress-shim",
    secrets: (ingress) =>
      hasIssuerAnnotation(ingress)
        ? ((specOf(ingress)['tls'] ?? []) as { secretName?: string }[]).flatMap((tls) =>
            tls.secretName === undefined ? [] : [{ name: tls.secretName, keys: TLS_KEYS }],
          )
        : [],
  },
  'gateway.networking.k8s.io/Gateway': {
    createdBy: "cert-manager's gateway-shim",
    secrets: (gateway) =>
      hasIssuerAnnotation(gateway)
        ? (
            (specOf(gateway)['listeners'] ?? []) as {
              tls?: { certificateRefs?: { name: string; kind?: string }[] };
            }[]
          ).flatMap((listener) =>
            (listener.tls?.certificateRefs ?? [])
              .filter((ref) => (ref.kind ?? 'Secret') === 'Secret')
              .map((ref) => ({ name: ref.name, keys: TLS_KEYS })),
          )
        : [],
  },
};

/** A Secret the person deploying creates; the README must name it as `documentedAs`. */
export interface UserSuppliedSecret {
  readonly pattern: RegExp;
  readonly documentedAs: string;
  readonly keys: readonly string[];
  readonly why: string;
}

/**
 * Secrets the person deploying creates before applying the production overlay, each documented in the
 * README's "Deploy to Kubernetes" section (the reference rule checks that the README names it).
 */
export const USER_SUPPLIED_SECRETS: readonly UserSuppliedSecret[] = [
  {
    pattern: /^trellis-[a-z0-9-]+-broker$/,
    documentedAs: 'trellis-<family>-broker',
    keys: ['username', 'password'],
    why: "one broker login per family, imported by its topology operator User (URL-safe, unlike the operator's generated passwords)",
  },
  {
    pattern: /^trellis-redis$/,
    documentedAs: 'trellis-redis',
    keys: ['url'],
    why: 'Redis comes from a URL (a managed Redis or one of your own)',
  },
  {
    pattern: /^trellis-session$/,
    documentedAs: 'trellis-session',
    keys: ['secret'],
    why: "the gateway's HMAC key of session tokens",
  },
];

/** The Secrets the operators will create from the bundle's custom resources. */
export function operatorSecrets(objects: readonly KubeObject[]): ExternalSecret[] {
  return objects.flatMap((object) => {
    const rule = OPERATOR_SECRETS[`${groupOf(object.apiVersion)}/${object.kind}`];
    if (rule === undefined) return [];
    const namespace = object.metadata.namespace ?? 'default';
    return rule.secrets(object).map((secret) => ({ ...secret, namespace, createdBy: rule.createdBy }));
  });
}
