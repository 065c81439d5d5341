// k8s/base: per family a Deployment, ServiceAccount, PodDisruptionBudget, autoscaler and Services; the
// settings ConfigMap with the blueprint; the NetworkPolicies; the namespace. Rendered from the default
// blueprint (what `npm start` runs), whose counts are the base's replicas.
import type { Blueprint } from '@trellis/supervisor';

import { IMAGE_NAME, NAMESPACE } from '../bundle-layout';
import { BLUEPRINT_KEY, CLUSTER_SETTINGS, SETTINGS_CONFIG_MAP } from '../cluster-settings';
import { nodeEnvironment } from '../node-environment';
import type { NodeFamily } from '../node-family';
import { GATEWAY_PORT, HEALTH_PORT } from '../node-runtime';
import type { Manifest } from '../output/yaml-file';
import { labelsOf, PART_OF } from '../recommended-labels';
import { scaleFactorOf, scalingBoundsOf } from '../scaling-bounds';
import { autoscalerOf, brokerTriggerAuthenticationOf } from './autoscalers';
import { envVarOf } from './env-vars';
import { disruptionBudgetOf, healthServiceOf, serviceAccountOf, serviceOf } from './family-objects';
import { basePolicies, DEFAULT_DENY_NOTE } from './network-policies';
import { deploymentOf } from './node-deployment';

/** One file of a kustomize folder before formatting. */
export interface KustomizeFile {
  /** Relative to the folder. */
  readonly name: string;
  readonly manifests: readonly Manifest[];
}

/** What the base is rendered from. */
export interface BaseInput {
  readonly blueprint: Blueprint;
  /** The blueprint file's text, kept in the settings ConfigMap. */
  readonly blueprintText: string;
  readonly families: readonly NodeFamily[];
  readonly version: string;
}

/** The Kubernetes Pod Security Standards version the namespace enforces. */
export const POD_SECURITY_VERSION = 'v1.32';

function namespaceOf(version: string): Manifest {
  return {
    value: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: NAMESPACE,
        labels: {
          ...labelsOf(NAMESPACE, 'namespace', version),
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': POD_SECURITY_VERSION,
        },
      },
    },
    comment: 'Every pod of the namespace must meet the restricted Pod Security Standard.',
  };
}

function settingsOf(blueprintText: string, version: string): Manifest {
  return {
    value: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: SETTINGS_CONFIG_MAP, labels: labelsOf(SETTINGS_CONFIG_MAP, 'settings', version) },
      data: { ...CLUSTER_SETTINGS, [BLUEPRINT_KEY]: blueprintText },
    },
    comment:
      'The non-secret settings the nodes read, and the blueprint the deployment follows (a record: no node\n' +
      'reads it; the replicas, resources and autoscalers below were rendered from it).',
  };
}

/** The objects of one family. */
function familyFile(family: NodeFamily, factor: number, version: string): KustomizeFile {
  const bounds = scalingBoundsOf(family.count, factor);
  const ports = [{ name: 'health', containerPort: HEALTH_PORT }];
  if (family.type === 'front-end') ports.unshift({ name: 'http', containerPort: GATEWAY_PORT });
  const manifests: Manifest[] = [
    {
      value: deploymentOf({
        name: family.name,
        component: family.type,
        version,
        replicas: family.count,
        image: `${IMAGE_NAME}:${version}`,
        entry: family.entry,
        profile: family.profile,
        env: nodeEnvironment(family).map(envVarOf),
        ports,
        probePort: 'health',
      }),
      comment: `${family.name}: ${family.type} nodes, profile ${family.profile}, ${bounds.min} to ${bounds.max} replicas.`,
    },
    { value: serviceAccountOf(family.name, family.type, version) },
    { value: disruptionBudgetOf(family.name, family.type, version) },
    { value: autoscalerOf(family, bounds, version, CLUSTER_SETTINGS.BUS_PREFIX) },
    { value: healthServiceOf(family.name, family.type, version) },
  ];
  if (family.type === 'front-end') {
    manifests.push({
      value: serviceOf({
        name: family.name,
        family: family.name,
        component: family.type,
        version,
        port: GATEWAY_PORT,
        portName: 'http',
      }),
    });
  }
  return { name: `${family.name}.yaml`, manifests };
}

/** The base's kustomization, listing every file. */
export function kustomizationOf(resources: readonly string[], extra: Record<string, unknown> = {}): Manifest {
  return {
    value: {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: NAMESPACE,
      labels: [
        {
          pairs: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'kustomize' },
          includeSelectors: false,
        },
      ],
      resources,
      ...extra,
    },
  };
}

/** Every file of k8s/base. */
export function baseFiles(input: BaseInput): KustomizeFile[] {
  const { version } = input;
  const factor = scaleFactorOf(input.blueprint);
  const frontEnds = input.families
    .filter((family) => family.type === 'front-end')
    .map((family) => ({ name: family.name, port: GATEWAY_PORT }));
  // The first policy is the default deny, which says what the others leave out.
  const policies = basePolicies(version, frontEnds).map((value, index): Manifest =>
    index === 0 ? { value, comment: DEFAULT_DENY_NOTE } : { value },
  );
  const files: KustomizeFile[] = [
    { name: 'namespace.yaml', manifests: [namespaceOf(version)] },
    { name: 'settings.yaml', manifests: [settingsOf(input.blueprintText, version)] },
    { name: 'network-policies.yaml', manifests: policies },
    {
      name: 'broker-monitor.yaml',
      manifests: [
        {
          value: brokerTriggerAuthenticationOf(version),
          comment:
            'The broker login KEDA reads queue depths with (management API). Production: the Secret the topology\n' +
            'operator generates for the User trellis-keda; dev: the development login.',
        },
      ],
    },
    ...input.families.map((family) => familyFile(family, factor, version)),
  ];
  return [
    ...files,
    { name: 'kustomization.yaml', manifests: [kustomizationOf(files.map((file) => file.name))] },
  ];
}
