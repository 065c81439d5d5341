// Capacity-based deployment: a family's blueprint `profile` (what its nodes mostly consume) sets its requests
// and limits and the class of machine it prefers.
import type { Profile } from '@trellis/supervisor';

/** Requests and limits of one container. */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Sizes per profile: CPU-bound nodes get cores, memory-bound nodes memory, IO-bound nodes little of either. */
export const RESOURCES_BY_PROFILE: Readonly<Record<Profile, Resources>> = {
  cpu: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  memory: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
  io: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
};

/**
 * The node label of the machines that suit a profile. The affinity is preferred, not required, so a cluster
 * whose machines carry no such label still schedules every node.
 */
export const NODE_CLASS_LABEL = 'trellis.dev/node-class';

/** The preferred node affinity of a profile. */
export function nodeAffinityOf(profile: Profile): Record<string, unknown> {
  return {
    nodeAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          preference: { matchExpressions: [{ key: NODE_CLASS_LABEL, operator: 'In', values: [profile] }] },
        },
      ],
    },
  };
}
