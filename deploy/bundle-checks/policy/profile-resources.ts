// What each resource profile of the blueprint asks of the Kubernetes scheduler: requests, limits and the
// class of node it prefers (capacity-based deployment: each family lands on hardware that suits it).
import type { Profile } from '@trellis/supervisor';

/** Requests and limits of one profile. */
export interface ProfileResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** The node label whose value is a profile; node pods prefer nodes that carry their own. */
export const NODE_CLASS_LABEL = 'trellis.dev/node-class';

/**
 * The sizes the bundle must give each profile. Stated here on their own (not imported from the renderer)
 * so that the check holds the renderer to the documented sizes instead of to whatever it produces.
 */
export const PROFILE_RESOURCES: Readonly<Record<Profile, ProfileResources>> = {
  cpu: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  memory: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
  io: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
};
