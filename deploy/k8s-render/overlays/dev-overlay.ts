// k8s/overlays/dev, for kind or minikube: the base with the dev blueprint's replicas (one of each), the
// locally built image, RabbitMQ, Redis and Postgres as small StatefulSets, the payment-provider simulator, and
// Secrets holding the well-known development values. The gateway is reached with `kubectl port-forward`.
import type { Blueprint } from '@trellis/supervisor';

import { DEV_IMAGE, IMAGE_NAME } from '../bundle-layout';
import { developmentSecrets } from '../development-values';
import type { KustomizeFile } from '../kubernetes/base';
import { kustomizationOf } from '../kubernetes/base';
import type { NodeFamily } from '../node-family';
import { nodeFamilyOf } from '../node-family';
import type { Manifest } from '../output/yaml-file';
import { labelsOf } from '../recommended-labels';
import { runsSimulator, simulatorUrl, THIRD_PARTY_SYSTEMS } from '../third-party-systems';
import { blueprintPatchOf } from './blueprint-patch';
import { devBackingServices } from './dev-backing-services';
import { devPolicies, nodesEgressPatch } from './dev-network-policies';
import { simulatorManifests } from './payment-provider-simulator';

/** What the dev overlay is rendered from. */
export interface DevOverlayInput {
  readonly blueprint: Blueprint;
  readonly blueprintText: string;
  readonly families: readonly NodeFamily[];
  readonly baseFamilies: readonly NodeFamily[];
  readonly root: string;
  readonly version: string;
}

function secretsOf(families: readonly NodeFamily[], version: string): Manifest[] {
  return developmentSecrets(families.map((family) => family.name)).map((secret, index) => ({
    value: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secret.name, labels: labelsOf(secret.name, 'credentials', version) },
      type: 'Opaque',
      stringData: secret.data,
    },
    ...(index === 0
      ? {
          comment:
            'Development values only, public by design (deploy/k8s-render/development-values.ts): a throwaway\n' +
            'kind or minikube cluster. Production creates these Secrets itself (README: Deploy to Kubernetes).',
        }
      : {}),
  }));
}

/** Every file of k8s/overlays/dev. */
export function devOverlayFiles(input: DevOverlayInput): KustomizeFile[] {
  const simulated = THIRD_PARTY_SYSTEMS.filter((system) => runsSimulator(input.blueprint, system));
  const simulators = simulated.flatMap((system) => {
    const family = input.blueprint.families.find((candidate) => candidate.name === system.simulator);
    return family === undefined
      ? []
      : simulatorManifests(system, nodeFamilyOf(family, input.root), input.version);
  });
  const extraEnv = (family: NodeFamily): Record<string, string> =>
    Object.fromEntries(
      simulated
        .filter((system) => system.client === family.name)
        .map((system) => [system.urlVariable, simulatorUrl(system.simulator)]),
    );
  const files: KustomizeFile[] = [
    { name: 'backing-services.yaml', manifests: devBackingServices(input.version) },
    { name: 'development-secrets.yaml', manifests: secretsOf(input.families, input.version) },
    { name: 'network-policies.yaml', manifests: devPolicies(input.version, simulated) },
  ];
  if (simulators.length > 0) files.push({ name: 'simulators.yaml', manifests: simulators });
  const patches: KustomizeFile[] = [
    {
      name: 'blueprint-patch.yaml',
      manifests: blueprintPatchOf({
        overlay: input.blueprint,
        overlayText: input.blueprintText,
        overlayFamilies: input.families,
        baseFamilies: input.baseFamilies,
        extraEnv,
      }),
    },
    { name: 'network-policies-patch.yaml', manifests: [nodesEgressPatch()] },
  ];
  const kustomization = kustomizationOf(['../../base', ...files.map((file) => file.name)], {
    patches: patches.map((file) => ({ path: file.name })),
    images: [{ name: IMAGE_NAME, newName: DEV_IMAGE.name, newTag: DEV_IMAGE.tag }],
  });
  return [...files, ...patches, { name: 'kustomization.yaml', manifests: [kustomization] }];
}
