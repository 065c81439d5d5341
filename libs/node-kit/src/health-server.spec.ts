import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import type { HealthServer, HealthServerOptions } from './health-server';
import { startHealthServer } from './health-server';

const logger = pino({ level: 'silent' });
const servers: HealthServer[] = [];

async function start(options: Partial<HealthServerOptions>): Promise<HealthServer> {
  const server = await startHealthServer({ host: '127.0.0.1', port: 0, checks: {}, logger, ...options });
  servers.push(server);
  return server;
}

async function get(server: HealthServer, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
  return { status: response.status, body: await response.json() };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('startHealthServer', () => {
  it('listens on a free port when asked for port 0 and is live', async () => {
    const server = await start({});
    expect(server.port).toBeGreaterThan(0);
    expect(await get(server, '/health/live')).toEqual({ status: 200, body: { status: 'live' } });
  });

  it('is ready only while every check passes, and lists the failing ones', async () => {
    let connected = false;
    const server = await start({
      checks: { bus: () => connected, database: () => Promise.resolve(true) },
    });

    expect(await get(server, '/health/ready')).toEqual({
      status: 503,
      body: { status: 'not ready', checks: { bus: 'fail', database: 'pass' }, failing: ['bus'] },
    });
    connected = true;
    expect(await get(server, '/health/ready')).toEqual({
      status: 200,
      body: { status: 'ready', checks: { bus: 'pass', database: 'pass' }, failing: [] },
    });
    connected = false;
    expect((await get(server, '/health/ready')).status).toBe(503);
  });

  it('counts a check that throws, rejects or hangs past its timeout as failing', async () => {
    const server = await start({
      checkTimeoutMs: 50,
      checks: {
        throws: () => {
          throw new Error('boom');
        },
        rejects: () => Promise.reject(new Error('boom')),
        hangs: () => new Promise<boolean>(() => undefined),
        passes: () => true,
      },
    });
    expect(await get(server, '/health/ready')).toEqual({
      status: 503,
      body: {
        status: 'not ready',
        checks: { throws: 'fail', rejects: 'fail', hangs: 'fail', passes: 'pass' },
        failing: ['throws', 'rejects', 'hangs'],
      },
    });
  });

  it('answers 503 "shutting down" once shutdown began, even with every check passing, and stays live', async () => {
    const server = await start({ checks: { bus: () => true } });
    expect((await get(server, '/health/ready')).status).toBe(200);
    server.beginShutdown();
    expect(await get(server, '/health/ready')).toEqual({
      status: 503,
      body: { status: 'shutting down', checks: { bus: 'pass' }, failing: [] },
    });
    expect((await get(server, '/health/live')).status).toBe(200);
  });

  it('serves the metrics source as JSON on /metrics, read on every request', async () => {
    let handled = 0;
    const server = await start({ metrics: () => ({ bus: [{ interface: 'cart.add', handled }] }) });
    handled = 3;
    expect(await get(server, '/metrics')).toEqual({
      status: 200,
      body: { bus: [{ interface: 'cart.add', handled: 3 }] },
    });
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const server = await start({});
    expect((await get(server, '/health')).status).toBe(404);
    const response = await fetch(`http://127.0.0.1:${server.port}/health/live`, { method: 'POST' });
    expect(response.status).toBe(405);
  });

  it('rejects with EADDRINUSE when the port is taken, and closes cleanly twice', async () => {
    const first = await start({});
    await expect(start({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE', port: first.port });
    await first.close();
    await first.close();
    await expect(fetch(`http://127.0.0.1:${first.port}/health/live`)).rejects.toThrow();
  });
});
