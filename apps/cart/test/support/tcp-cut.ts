// A TCP proxy in the test process that a test can cut and heal: a node reaches the broker through it, so
// cutting it partitions that one link (the node's replication traffic) while everything else keeps working.
import { Socket, createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';

/** Where the proxy forwards to. */
export interface TcpTarget {
  readonly host: string;
  readonly port: number;
}

/** Counts of what went through the proxy. */
export interface TcpCutCounts {
  /** Connections forwarded to the target. */
  readonly forwarded: number;
  /** Connections destroyed by `cut()`. */
  readonly severed: number;
  /** Connections refused (reset at once) while cut. */
  readonly refused: number;
}

/**
 * A forwarding proxy on a loopback port. `cut()` destroys every connection through it and resets every new
 * one (the client sees a refused link, as when a network partition starts); `heal()` forwards again.
 */
export class TcpCut {
  private readonly pairs = new Set<readonly [Socket, Socket]>();
  private isCut = false;
  private forwarded = 0;
  private severed = 0;
  private refused = 0;

  private constructor(
    private readonly server: Server,
    /** The loopback port clients connect to. */
    readonly port: number,
  ) {}

  /** Listens on a free loopback port and forwards every connection to `target`. */
  static async open(target: TcpTarget): Promise<TcpCut> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const proxy = new TcpCut(server, (server.address() as AddressInfo).port);
    // Registered in the same turn as the listen callback, so no connection arrives before it.
    server.on('connection', (client: Socket) => proxy.accept(client, target));
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's (credentials, path and query kept). */
  proxiedUrl(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.toString();
  }

  /** What went through so far. */
  counts(): TcpCutCounts {
    return { forwarded: this.forwarded, severed: this.severed, refused: this.refused };
  }

  /** Connections open through the proxy right now. */
  get openConnections(): number {
    return this.pairs.size;
  }

  /** Destroys every connection through the proxy and refuses new ones until `heal()`. */
  cut(): void {
    this.isCut = true;
    for (const pair of [...this.pairs]) {
      this.severed += 1;
      this.drop(pair);
    }
  }

  /** Forwards new connections again (the ones cut stay gone; clients reconnect). */
  heal(): void {
    this.isCut = false;
  }

  /** Stops listening and destroys every connection. */
  async close(): Promise<void> {
    this.isCut = true;
    for (const pair of [...this.pairs]) this.drop(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: TcpTarget): void {
    if (this.isCut) {
      this.refused += 1;
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    this.forwarded += 1;
    const upstream = new Socket();
    const pair = [client, upstream] as const;
    this.pairs.add(pair);
    const drop = (): void => this.drop(pair);
    for (const socket of pair) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
    upstream.connect(target.port, target.host);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Resets both ends, so the client learns at once rather than at its next heartbeat. */
  private drop(pair: readonly [Socket, Socket]): void {
    if (!this.pairs.delete(pair)) return;
    for (const socket of pair) {
      if (!socket.destroyed) {
        if (socket.readyState === 'open') socket.resetAndDestroy();
        else socket.destroy();
      }
    }
  }
}
