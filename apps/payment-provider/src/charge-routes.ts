// The charge API: decode the request, call the charge service, encode its answer.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { ChargeService } from './charge-service';
import type { ConcurrencyLimit } from './concurrency-limit';
import { decode } from './decode';
import { ProviderError } from './errors';
import { chargeRequestSchema, idempotencyKeySchema } from './schemas';

/** Seconds a client refused with 429 is told to wait; requests here last milliseconds unless slowed. */
const RETRY_AFTER_SECONDS = 1;

const chargeParamsSchema = z.object({ id: z.string() });

/**
 * Registers `POST /v1/charges`, `GET /v1/charges` and `GET /v1/charges/:id` on `app`, which should be
 * an encapsulated scope: its hook admits at most `limit.limit` requests at once and answers 429 with
 * `Retry-After` beyond that.
 */
export function registerChargeRoutes(
  app: FastifyInstance,
  charges: ChargeService,
  limit: ConcurrencyLimit,
): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!limit.tryAcquire()) {
      request.log.warn({ inFlight: limit.inFlight }, 'refusing request: too many in flight');
      reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
      throw new ProviderError(
        'rate_limited',
        `Too many requests in flight (limit ${limit.limit}); retry later.`,
      );
    }
    // 'close' fires once whether the reply was sent, failed or the socket was destroyed under it, so
    // the slot is always given back.
    reply.raw.once('close', () => limit.release());
  });

  app.post('/v1/charges', async (request, reply) => {
    const header = request.headers['idempotency-key'];
    if (header === undefined) {
      throw new ProviderError(
        'idempotency_key_missing',
        'An Idempotency-Key header is required to create a charge.',
      );
    }
    const key = decode(idempotencyKeySchema, header, 'Idempotency-Key header');
    const chargeRequest = decode(chargeRequestSchema, request.body, 'charge request');

    const outcome = await charges.create(key, chargeRequest);
    if (outcome.dropReply) {
      request.log.warn({ chargeId: outcome.body.id }, 'fault: charge committed, dropping the reply');
      reply.hijack();
      reply.raw.destroy();
      return;
    }
    if (outcome.replayed) reply.header('Idempotent-Replayed', 'true');
    return reply.code(outcome.statusCode).send(outcome.body);
  });

  app.get('/v1/charges', () => ({ items: charges.list() }));

  app.get('/v1/charges/:id', (request) => {
    const { id } = decode(chargeParamsSchema, request.params, 'path');
    return charges.get(id);
  });
}
