// Lets containers reach this machine's own RabbitMQ, Redis and PostgreSQL, which listen on loopback only:
// a TCP relay on the container network's gateway address forwards each port to 127.0.0.1. Written here
// because it is a few lines of node:net, and a tool such as socat would be one more thing to install.
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/** A running set of relays; `close()` stops listening and drops every relayed connection. */
export interface HostRelay {
  readonly listening: readonly string[];
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Listens on `address`:`port` for each of `ports` and relays every connection to 127.0.0.1 on the same
 * port. A connection whose other side fails is closed, as a dropped connection to the service would be.
 */
export async function startHostRelay(address: string, ports: readonly number[]): Promise<HostRelay> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const servers: Server[] = [];
  try {
    for (const port of new Set(ports)) {
      const server = createServer((client) => {
        const upstream = connect(port, '127.0.0.1');
        track(client);
        track(upstream);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.pipe(upstream).pipe(client);
      });
      servers.push(server);
      await listen(server, port, address);
    }
  } catch (error) {
    for (const server of servers) server.close();
    throw new Error(
      `cannot relay ${address}:${ports.join(',')} to this machine's services: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  return {
    listening: [...new Set(ports)].map((port) => `${address}:${port}`),
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}
