import type { Bus } from '@trellis/bus';
import type { NodeDescription } from '@trellis/contracts';
import { nodeHeartbeat } from '@trellis/contracts';
import type { NodeSettings } from './settings';

/** What a node may add to its heartbeat besides who it is (see `nodeDescription`). */
export type NodeDescriptionExtras = Pick<NodeDescription, 'datasets'>;

/** A running heartbeat; `stop()` ends it (first thing at shutdown, so the node stops looking alive). */
export interface Heartbeat {
  stop(): void;
}

/**
 * Announces this node on the bus now and every `intervalMs` (`cluster.heartbeat`, at-most-once), so that the
 * gateway's cluster view lists it and declares it dead when its beats stop. A beat that cannot be sent (the
 * broker is down) is skipped: the next one will do.
 */
export function startHeartbeat(
  bus: Pick<Bus, 'emit'>,
  settings: Pick<NodeSettings, 'NODE_ID' | 'NODE_FAMILY' | 'NODE_TYPE'>,
  options: { intervalMs?: number; describe?: (() => NodeDescriptionExtras) | undefined } = {},
): Heartbeat {
  const intervalMs = options.intervalMs ?? 2_000;
  const description = {
    nodeId: settings.NODE_ID,
    family: settings.NODE_FAMILY,
    nodeType: settings.NODE_TYPE,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    intervalMs,
  };
  const beat = () => {
    bus.emit(nodeHeartbeat, { ...description, ...options.describe?.() }).catch(() => undefined);
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
