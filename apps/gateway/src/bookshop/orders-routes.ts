import { BookshopErrors, getOrder } from '@trellis/contracts';
import type { ReplyOf } from '@trellis/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';

import { placeCartOrder } from './order-placement';
import { retryAfterSeconds } from '../retry-after';
import type { RouteDependencies } from './route-dependencies';
import { orderBody, orderParams, pendingOrderBody, placeOrderHeaders, problemBody } from './schemas';

type Order = ReplyOf<typeof getOrder>;

function clientView(order: Order): z.output<typeof orderBody> {
  const { userId: _owner, ...view } = order;
  return view;
}

// A pending order (payment not settled yet) is accepted, not created: 202, and the client reads it later.
function sendOrder(reply: FastifyReply, order: Order): FastifyReply {
  return reply
    .code(order.status === 'pending' ? 202 : 201)
    .header('location', `/v1/orders/${order.orderId}`)
    .send(clientView(order));
}

/** `POST /v1/orders` (order the cart, exactly once per Idempotency-Key) and `GET /v1/orders/:orderId`. */
export function registerOrdersRoutes(app: FastifyInstance, deps: RouteDependencies): void {
  app.post<{ Headers: z.output<typeof placeOrderHeaders> }>(
    '/v1/orders',
    {
      schema: {
        tags: ['orders'],
        summary:
          'Orders the cart and clears it. The same Idempotency-Key again answers the same order with ' +
          '"Idempotent-Replayed: true"; 202 {"status":"pending"} when the outcome is not known yet.',
        security: [{ bearer: [] }],
        headers: placeOrderHeaders,
        response: {
          201: orderBody,
          202: orderBody.or(pendingOrderBody),
          '4XX': problemBody,
          '5XX': problemBody,
        },
      },
    },
    async (request, reply) => {
      const session = await deps.authenticator.authenticate(request.headers.authorization);
      const result = await placeCartOrder(deps.bus, session, request.headers['idempotency-key'], request.log);
      switch (result.kind) {
        case 'placed':
          return sendOrder(reply, result.order);
        case 'replayed':
          return sendOrder(reply.header('idempotent-replayed', 'true'), result.order);
        case 'unknown':
          return reply.code(202).header('retry-after', String(retryAfterSeconds)).send({ status: 'pending' });
      }
    },
  );

  app.get<{ Params: z.output<typeof orderParams> }>(
    '/v1/orders/:orderId',
    {
      schema: {
        tags: ['orders'],
        summary: "Reads one of the caller's orders (404 for anyone else's)",
        security: [{ bearer: [] }],
        params: orderParams,
        response: { 200: orderBody, '4XX': problemBody, '5XX': problemBody },
      },
    },
    async (request) => {
      const { userId } = await deps.authenticator.authenticate(request.headers.authorization);
      const order = await deps.bus.call(getOrder, { orderId: request.params.orderId, userId });
      // The orders family already answers only the owner; checking again costs nothing and keeps another
      // user's order from leaking should a node get that rule wrong.
      if (order.userId !== userId) throw BookshopErrors.orderNotFound.create('No such order.');
      return clientView(order);
    },
  );
}
