import { sendSms } from '@trellis/contracts';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';

import type { RouteDependencies } from './route-dependencies';
import { problemBody, smsBody } from './schemas';

/**
 * `POST /v1/sms`: fire and forget to the notifications family (at-most-once: 202 means handed to the bus, not
 * delivered). Needs a session, so the gateway is not an open SMS relay.
 */
export function registerSmsRoutes(app: FastifyInstance, deps: RouteDependencies): void {
  app.post<{ Body: z.output<typeof smsBody> }>(
    '/v1/sms',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Sends an SMS (E.164 number, at most 160 characters), fire and forget',
        security: [{ bearer: [] }],
        body: smsBody,
        response: { '4XX': problemBody, '5XX': problemBody },
      },
    },
    async (request, reply) => {
      await deps.authenticator.authenticate(request.headers.authorization);
      await deps.bus.emit(sendSms, request.body);
      return reply.code(202).send();
    },
  );
}
