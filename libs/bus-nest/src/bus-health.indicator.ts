import { Inject, Injectable } from '@nestjs/common';
import { Bus } from '@trellis/bus';

/** The bus's part of a node's health report. */
export interface BusHealth {
  status: 'up' | 'down';
  details: { connected: boolean; nodeId: string };
}

/**
 * Reports whether this node's bus is connected to the broker; the node's health and readiness endpoints
 * read it. A reconnecting bus reports down until the connection is back.
 */
@Injectable()
export class BusHealthIndicator {
  // Explicit tokens: nodes started from TypeScript through esbuild (tsx) get no decorator metadata.
  constructor(@Inject(Bus) private readonly bus: Bus) {}

  /** The current state; cheap enough to call on every probe. */
  check(): BusHealth {
    const connected = this.bus.isConnected;
    return { status: connected ? 'up' : 'down', details: { connected, nodeId: this.bus.nodeId } };
  }
}
