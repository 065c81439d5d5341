// An overlay's blueprint as strategic-merge patches of the base: per family its replicas, the resources and
// machine class of its profile, its blueprint environment, and its autoscaler's bounds; and the blueprint
// file in the settings ConfigMap.
import { isDeepStrictEqual } from 'node:util';

import type { Blueprint } from '@trellis/supervisor';

import { BLUEPRINT_KEY, SETTINGS_CONFIG_MAP } from '../cluster-settings';
import { envVarOf } from '../kubernetes/env-vars';
import type { EnvVar } from '../kubernetes/env-vars';
import { nodeEnvironment } from '../node-environment';
import type { NodeFamily } from '../node-family';
import type { Manifest } from '../output/yaml-file';
import { nodeAffinityOf, RESOURCES_BY_PROFILE } from '../resource-profiles';
import { scaleFactorOf, scalingBoundsOf } from '../scaling-bounds';

/** What the patch is computed from. */
export interface BlueprintPatchInput {
  readonly overlay: Blueprint;
  readonly overlayText: string;
  /** The overlay's platform families, and the base's (the same names, checked by the loader). */
  readonly overlayFamilies: readonly NodeFamily[];
  readonly baseFamilies: readonly NodeFamily[];
  /** Settings the overlay derives per family (a simulator's URL), on top of the blueprint's env. */
  readonly extraEnv: (family: NodeFamily) => Readonly<Record<string, string>>;
}

/** The env entries to add or change, and `$patch: delete` for the base's that the overlay's blueprint drops. */
function envPatchOf(base: readonly EnvVar[], overlay: readonly EnvVar[]): Record<string, unknown>[] {
  const changed = overlay.filter((entry) => !base.some((candidate) => isDeepStrictEqual(candidate, entry)));
  const dropped = base
    .filter((entry) => !overlay.some((candidate) => candidate.name === entry.name))
    .map((entry) => ({ name: entry.name, $patch: 'delete' }));
  return [...changed, ...dropped];
}

function deploymentPatchOf(
  base: NodeFamily,
  overlay: NodeFamily,
  extra: Readonly<Record<string, string>>,
): object {
  const env = envPatchOf(nodeEnvironment(base).map(envVarOf), nodeEnvironment(overlay, extra).map(envVarOf));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: overlay.name },
    spec: {
      replicas: overlay.count,
      template: {
        spec: {
          affinity: nodeAffinityOf(overlay.profile),
          containers: [
            {
              name: overlay.name,
              resources: RESOURCES_BY_PROFILE[overlay.profile],
              ...(env.length > 0 ? { env } : {}),
            },
          ],
        },
      },
    },
  };
}

function autoscalerPatchOf(family: NodeFamily, factor: number): object {
  const bounds = scalingBoundsOf(family.count, factor);
  return family.type === 'front-end'
    ? {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: family.name },
        spec: { minReplicas: bounds.min, maxReplicas: bounds.max },
      }
    : {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: family.name },
        spec: { minReplicaCount: bounds.min, maxReplicaCount: bounds.max },
      };
}

/** The patches of one overlay, in the blueprint's family order. */
export function blueprintPatchOf(input: BlueprintPatchInput): Manifest[] {
  const factor = scaleFactorOf(input.overlay);
  const manifests: Manifest[] = [
    {
      value: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: SETTINGS_CONFIG_MAP },
        data: { [BLUEPRINT_KEY]: input.overlayText },
      },
      comment: `The blueprint this overlay follows, and (below) what follows from it for every family.`,
    },
  ];
  for (const family of input.overlayFamilies) {
    const base = input.baseFamilies.find((candidate) => candidate.name === family.name);
    if (base === undefined) throw new Error(`family ${family.name} is not in the base`);
    const bounds = scalingBoundsOf(family.count, factor);
    manifests.push(
      {
        value: deploymentPatchOf(base, family, input.extraEnv(family)),
        comment: `${family.name}: ${family.count} replicas, profile ${family.profile}, autoscaled from ${bounds.min} to ${bounds.max}.`,
      },
      { value: autoscalerPatchOf(family, factor) },
    );
  }
  return manifests;
}
