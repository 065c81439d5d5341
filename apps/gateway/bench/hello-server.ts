// The bench's limit: a bare Fastify hello-world in a child process, listening on HELLO_PORT (127.0.0.1),
// with no logger, validation or bus. It signals ready once it listens and dies with its parent.
import { signalReady } from '@trellis/testing';
import { fastify } from 'fastify';

async function main(): Promise<void> {
  const port = Number(process.env['HELLO_PORT']);
  if (!Number.isInteger(port) || port <= 0)
    throw new Error(`HELLO_PORT must be a port number, got ${process.env['HELLO_PORT']}`);
  const app = fastify({ logger: false });
  app.get('/', () => ({ hello: 'world' }));
  await app.listen({ port, host: '127.0.0.1' });
  signalReady();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `hello-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
