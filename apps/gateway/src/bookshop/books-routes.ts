import { getBook, listBooks } from '@trellis/contracts';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';

import type { RouteDependencies } from './route-dependencies';
import { bookList, bookParams, bookView, problemBody } from './schemas';

/** `GET /v1/books` and `GET /v1/books/:id`: the catalog family. Public, no session needed. */
export function registerBooksRoutes(app: FastifyInstance, deps: RouteDependencies): void {
  app.get(
    '/v1/books',
    {
      schema: {
        tags: ['books'],
        summary: 'Lists the books',
        response: { 200: bookList, '5XX': problemBody },
      },
    },
    async () => deps.bus.call(listBooks, {}),
  );

  app.get<{ Params: z.output<typeof bookParams> }>(
    '/v1/books/:id',
    {
      schema: {
        tags: ['books'],
        summary: 'Reads one book (404 when there is none)',
        params: bookParams,
        response: { 200: bookView, '4XX': problemBody, '5XX': problemBody },
      },
    },
    async (request) => deps.bus.call(getBook, { bookId: request.params.id }),
  );
}
