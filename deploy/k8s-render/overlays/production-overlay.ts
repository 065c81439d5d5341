// k8s/overlays/production: the base with the production blueprint's replicas, limits and autoscaler bounds,
// RabbitMQ and Postgres from their operators, the node credentials from the Secrets those operators create or
// import, Redis from a URL in a Secret, and the gateway behind an Ingress with TLS from cert-manager.
import type { Blueprint } from '@trellis/supervisor';

import { CLUSTER_SETTINGS } from '../cluster-settings';
import type { KustomizeFile } from '../kubernetes/base';
import { kustomizationOf } from '../kubernetes/base';
import type { NodeFamily } from '../node-family';
import { PAYMENT_PROVIDER, realSystemUrl } from '../third-party-systems';
import { blueprintPatchOf } from './blueprint-patch';
import { gatewayIngress, productionPolicies } from './production-network';
import { productionBroker, productionDatabase } from './production-services';

/** What the production overlay is rendered from. */
export interface ProductionOverlayInput {
  readonly blueprint: Blueprint;
  readonly blueprintText: string;
  readonly families: readonly NodeFamily[];
  readonly baseFamilies: readonly NodeFamily[];
  readonly version: string;
}

/** The port of a URL, its scheme's default when it names none. */
function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Every file of k8s/overlays/production. */
export function productionOverlayFiles(input: ProductionOverlayInput): KustomizeFile[] {
  const providerUrl = realSystemUrl(input.blueprint, PAYMENT_PROVIDER);
  const provider =
    providerUrl === undefined ? undefined : { system: PAYMENT_PROVIDER, port: portOf(providerUrl) };
  const frontEnds = input.families.filter((family) => family.type === 'front-end');
  const files: KustomizeFile[] = [
    {
      name: 'rabbitmq.yaml',
      manifests: productionBroker(input.families, CLUSTER_SETTINGS.BUS_PREFIX, input.version),
    },
    { name: 'postgres.yaml', manifests: productionDatabase(input.version) },
    {
      name: 'ingress.yaml',
      manifests: frontEnds.map((family) => gatewayIngress(family.name, input.version)),
    },
    { name: 'network-policies.yaml', manifests: productionPolicies(input.version, provider) },
  ];
  const patch: KustomizeFile = {
    name: 'blueprint-patch.yaml',
    manifests: blueprintPatchOf({
      overlay: input.blueprint,
      overlayText: input.blueprintText,
      overlayFamilies: input.families,
      baseFamilies: input.baseFamilies,
      // The provider's URL comes from the blueprint's env of the client family (checked by the loader).
      extraEnv: () => ({}),
    }),
  };
  const kustomization = kustomizationOf(['../../base', ...files.map((file) => file.name)], {
    patches: [{ path: patch.name }],
  });
  return [...files, patch, { name: 'kustomization.yaml', manifests: [kustomization] }];
}
