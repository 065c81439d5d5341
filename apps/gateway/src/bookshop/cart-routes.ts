import { getCart, removeCartItem, setCartItem } from '@trellis/contracts';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';

import type { RouteDependencies } from './route-dependencies';
import { cartBody, cartItemParams, problemBody, setCartItemBody } from './schemas';

const responses = { 200: cartBody, '4XX': problemBody, '5XX': problemBody };

/**
 * `/v1/cart`: the session's cart, on the cart node that owns the session's key. Whether a book exists is the
 * cart family's rule (it answers `catalog.book_not_found`, a 404 here); the gateway only checks the shape.
 */
export function registerCartRoutes(app: FastifyInstance, deps: RouteDependencies): void {
  app.get(
    '/v1/cart',
    {
      schema: {
        tags: ['cart'],
        summary: "Reads the session's cart",
        security: [{ bearer: [] }],
        response: responses,
      },
    },
    async (request) => {
      const { sessionId } = await deps.authenticator.authenticate(request.headers.authorization);
      return deps.bus.call(getCart, { sessionId });
    },
  );

  app.put<{ Params: z.output<typeof cartItemParams>; Body: z.output<typeof setCartItemBody> }>(
    '/v1/cart/items/:bookId',
    {
      schema: {
        tags: ['cart'],
        summary: 'Sets the quantity of a book in the cart (1 to 99)',
        security: [{ bearer: [] }],
        params: cartItemParams,
        body: setCartItemBody,
        response: responses,
      },
    },
    async (request) => {
      const { sessionId } = await deps.authenticator.authenticate(request.headers.authorization);
      const { bookId } = request.params;
      return deps.bus.call(setCartItem, { sessionId, bookId, quantity: request.body.quantity });
    },
  );

  app.delete<{ Params: z.output<typeof cartItemParams> }>(
    '/v1/cart/items/:bookId',
    {
      schema: {
        tags: ['cart'],
        summary: 'Removes a book from the cart',
        security: [{ bearer: [] }],
        params: cartItemParams,
        response: responses,
      },
    },
    async (request) => {
      const { sessionId } = await deps.authenticator.authenticate(request.headers.authorization);
      return deps.bus.call(removeCartItem, { sessionId, bookId: request.params.bookId });
    },
  );
}
