// A loopback TCP port that is free right now, for a node the test starts and must reach by a known port.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * Listens on port 0 of 127.0.0.1, closes, and resolves with the port the system chose. Another process
 * could take it before the caller binds it; on one test machine that window is small enough.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
