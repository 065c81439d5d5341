import { randomUUID } from 'node:crypto';

import { login, logout } from '@trellis/contracts';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';

import type { RouteDependencies } from './route-dependencies';
import { loginBody, problemBody, sessionCreated } from './schemas';

/** `POST /v1/sessions` (log in) and `DELETE /v1/sessions/current` (log out): the sessions family. */
export function registerSessionsRoutes(app: FastifyInstance, deps: RouteDependencies): void {
  app.post<{ Body: z.output<typeof loginBody> }>(
    '/v1/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Log in: opens a session and returns its bearer token',
        body: loginBody,
        response: { 201: sessionCreated, '4XX': problemBody, '5XX': problemBody },
      },
    },
    async (request, reply) => {
      // The gateway chooses the id, so it can sign it before the session exists and route by it at once.
      const sessionId = randomUUID();
      await deps.bus.call(login, { sessionId, userId: request.body.userId });
      return reply.code(201).send({ sessionId, token: deps.tokens.sign(sessionId) });
    },
  );

  app.delete(
    '/v1/sessions/current',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Log out: ends the session and drops its cart',
        security: [{ bearer: [] }],
        response: { '4XX': problemBody, '5XX': problemBody },
      },
    },
    async (request, reply) => {
      const session = await deps.authenticator.authenticate(request.headers.authorization);
      await deps.bus.call(logout, { sessionId: session.sessionId });
      return reply.code(204).send();
    },
  );
}
