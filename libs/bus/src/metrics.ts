import type { DeliveryPolicy } from '@trellis/contracts';

/** What the bus counts per interface and policy. */
export const busCounters = [
  'sent',
  'handled',
  'replied',
  'timedOut',
  'retried',
  'redelivered',
  'deduplicated',
  'deadLettered',
  'lateReplies',
  'expired',
  'failed',
  'shed',
] as const;

/** One counter name. */
export type BusCounter = (typeof busCounters)[number];

/** The counters of one interface. */
export interface InterfaceCounters {
  interface: string;
  policy: DeliveryPolicy;
  counts: Record<BusCounter, number>;
}

/**
 * In-process counters, read by the metrics exporter (and by tests). Kept as plain numbers so that counting
 * costs nothing on the hot path; the exporter turns a snapshot into OpenTelemetry observable counters.
 */
export class BusMetrics {
  private readonly byInterface = new Map<string, InterfaceCounters>();

  increment(name: string, policy: DeliveryPolicy, counter: BusCounter, by = 1): void {
    let entry = this.byInterface.get(name);
    if (entry === undefined) {
      const counts = Object.fromEntries(busCounters.map((c) => [c, 0])) as Record<BusCounter, number>;
      entry = { interface: name, policy, counts };
      this.byInterface.set(name, entry);
    }
    entry.counts[counter] += by;
  }

  /** Counts for an interface already counted (its policy known); false, and nothing counted, otherwise. */
  incrementKnown(name: string, counter: BusCounter): boolean {
    const entry = this.byInterface.get(name);
    if (entry === undefined) return false;
    entry.counts[counter] += 1;
    return true;
  }

  /** A copy of every interface's counters. */
  snapshot(): InterfaceCounters[] {
    return [...this.byInterface.values()].map((entry) => ({ ...entry, counts: { ...entry.counts } }));
  }

  /** One counter of one interface (0 when never counted). */
  count(name: string, counter: BusCounter): number {
    return this.byInterface.get(name)?.counts[counter] ?? 0;
  }
}
