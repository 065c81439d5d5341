import type { Bus } from '@trellis/bus';
import type { CallContract } from '@trellis/contracts';
import { calledInterfaces } from './called-interfaces';

/** How many nodes serve each interface the gateway calls. */
export type LiveHandlers = Record<string, number>;

/**
 * Which interfaces the gateway calls have a node serving them right now, read from the consumers of their
 * queues. The answer is kept for `cacheMs`, so that frequent probes (readiness, the cluster view) cost the
 * broker one round of passive checks per period, not one per probe.
 */
export class InterfaceLiveness {
  private cached: { at: number; live: Promise<LiveHandlers> } | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly cacheMs = 1_000,
  ) {}

  /** Live handlers per call interface (fire-and-forget messages are not needed to serve requests). */
  liveHandlers(): Promise<LiveHandlers> {
    const now = Date.now();
    if (this.cached === undefined || now - this.cached.at > this.cacheMs) {
      this.cached = { at: now, live: this.count() };
    }
    return this.cached.live;
  }

  /** The call interfaces that no node serves: empty when every family the gateway needs is up. */
  async missing(): Promise<string[]> {
    const live = await this.liveHandlers();
    return Object.entries(live)
      .filter(([, count]) => count === 0)
      .map(([name]) => name);
  }

  private async count(): Promise<LiveHandlers> {
    const calls = calledInterfaces.filter((contract): contract is CallContract => contract.kind === 'call');
    const counts = await Promise.all(
      calls.map((contract) => this.bus.liveHandlersOf(contract).catch(() => 0)),
    );
    return Object.fromEntries(calls.map((contract, index) => [contract.name, counts[index] ?? 0]));
  }
}
