import { BookshopErrors } from '@trellis/contracts';
import { describe, expect, it } from 'vitest';

import { GatewayErrors } from '../gateway-errors';
import { problemContentType, toProblem } from '../problem';

const path = '/v1/orders';
const requestId = 'req-1';

describe('the bookshop codes as problem+json', () => {
  // Every code of the bookshop's catalogue, with the status and Retry-After the client sees.
  const expected: Array<[code: string, status: number, retryAfter: boolean]> = [
    ['sessions.unknown_session', 401, false],
    ['catalog.book_not_found', 404, false],
    ['orders.empty_cart', 422, false],
    ['orders.order_not_found', 404, false],
    ['payments.declined', 402, false],
    ['payments.provider_unavailable', 503, true],
  ];

  it('covers every code of the bookshop catalogue', () => {
    expect(
      Object.values(BookshopErrors)
        .map((type) => type.code)
        .sort(),
    ).toEqual(expected.map(([code]) => code).sort());
  });

  it.each(expected)('maps %s to %i with its own type and title', (code, status, retryAfter) => {
    const type = Object.values(BookshopErrors).find((candidate) => candidate.code === code);
    if (type === undefined) throw new Error(`no catalogue entry ${code}`);
    const problem = toProblem(type.create('what happened'), path, requestId);
    expect(problem.status).toBe(status);
    expect(problem.body).toMatchObject({
      type: `https://trellis.dev/problems/${code}`,
      status,
      code,
      instance: path,
      requestId,
    });
    // A title of its own, not the generic one of a code the gateway does not know.
    expect(problem.body.title).not.toMatch(/^Request (refused|failed)$/);
    expect(problem.headers['content-type']).toBe(problemContentType);
    expect(problem.headers['retry-after'] === '1').toBe(retryAfter);
  });

  it('gives an unknown session a type distinct from a bad token, and both a WWW-Authenticate', () => {
    const unknown = toProblem(BookshopErrors.unknownSession.create('gone'), path, requestId);
    const bad = toProblem(GatewayErrors.unauthenticated.create('bad'), path, requestId);
    expect(unknown.body.type).not.toBe(bad.body.type);
    expect(unknown.headers['www-authenticate']).toBe('Bearer');
    expect(bad.headers['www-authenticate']).toBe('Bearer');
  });

  it('keeps the message of a client error', () => {
    expect(toProblem(BookshopErrors.bookNotFound.create('no book x'), path, requestId).body.detail).toBe(
      'no book x',
    );
  });
});
