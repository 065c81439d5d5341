// The restricted Pod Security Standard, as the nodes meet it: non-root, no privilege escalation, no
// capabilities, the runtime's default seccomp profile, and a read-only root filesystem.
import { NODE_USER_ID, WRITABLE_PATH } from '../node-runtime';

/** The pod-level security context of a node (and of the simulator: the same image, the same user). */
export function nodePodSecurityContext(): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: NODE_USER_ID,
    runAsGroup: NODE_USER_ID,
    fsGroup: NODE_USER_ID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The container-level security context of a node. */
export function nodeContainerSecurityContext(): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: NODE_USER_ID,
    runAsGroup: NODE_USER_ID,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The one writable place of a node: /tmp, a small emptyDir (Node writes nothing else). */
export const WRITABLE_VOLUME = { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } } as const;
export const WRITABLE_MOUNT = { name: 'tmp', mountPath: WRITABLE_PATH } as const;
