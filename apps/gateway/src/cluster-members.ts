import type { Bus } from '@trellis/bus';
import type { nodeDescription } from '@trellis/contracts';
import { nodeHeartbeat } from '@trellis/contracts';
import type { z } from 'zod';

/** A node as the gateway last heard of it. */
export type ClusterMember = z.output<typeof nodeDescription> & { lastSeenAt: string };

/** Beats a node may miss before it counts as dead: a slow node is a dead node. */
const missedBeatsAllowed = 3;

/**
 * The live nodes of the cluster, from their heartbeats (`cluster.heartbeat`). Each gateway node listens on a
 * queue of its own (the subscribing "family" is the gateway node's id), so every gateway sees every beat.
 */
export class ClusterMembers {
  private readonly members = new Map<
    string,
    { description: z.output<typeof nodeDescription>; seenAt: number }
  >();

  /** Starts listening on `bus`. */
  async listen(bus: Pick<Bus, 'subscribe' | 'nodeId'>): Promise<void> {
    await bus.subscribe(nodeHeartbeat, (description) => this.observe(description), `gateway-${bus.nodeId}`);
  }

  /** Records a heartbeat heard at `now`. */
  observe(description: z.output<typeof nodeDescription>, now = Date.now()): void {
    this.members.set(description.nodeId, { description, seenAt: now });
  }

  /** The nodes heard from within their allowed missed beats, by family then id; forgets the others. */
  live(now = Date.now()): ClusterMember[] {
    const alive: ClusterMember[] = [];
    for (const [nodeId, { description, seenAt }] of this.members) {
      if (now - seenAt > description.intervalMs * missedBeatsAllowed) {
        this.members.delete(nodeId);
        continue;
      }
      alive.push({ ...description, lastSeenAt: new Date(seenAt).toISOString() });
    }
    return alive.sort((a, b) => a.family.localeCompare(b.family) || a.nodeId.localeCompare(b.nodeId));
  }
}
