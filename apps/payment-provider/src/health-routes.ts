import type { FastifyInstance } from 'fastify';

/**
 * Registers `GET /health/live` and `GET /health/ready`. Both answer 200 while the server runs; once it
 * is closing, Fastify answers every new request 503, so readiness turns off by itself.
 */
export function registerHealthRoutes(app: FastifyInstance): void {
  app.get('/health/live', () => ({ status: 'ok' }));
  app.get('/health/ready', () => ({ status: 'ok' }));
}
