import { TrellisError } from '@trellis/contracts';
import { BusErrors } from '@trellis/bus';
import { describe, expect, it } from 'vitest';

import { apiModules } from './api-modules';
import { GatewayErrors } from './gateway-errors';
import { mappedErrorTypes, problemContentType, toProblem } from './problem';

const path = '/v1/orders';
const requestId = 'req-1';

describe('toProblem', () => {
  // Every code of the gateway's and the bus's catalogues, with the status and Retry-After the client sees (the
  // API modules test their own codes, e.g. bookshop/bookshop-problems.spec.ts).
  const expected: Array<[code: string, status: number, retryAfter: boolean]> = [
    ['gateway.invalid_input', 400, false],
    ['gateway.malformed_json', 400, false],
    ['gateway.unauthenticated', 401, false],
    ['gateway.route_not_found', 404, false],
    ['gateway.body_too_large', 413, false],
    ['gateway.unsupported_media_type', 415, false],
    ['gateway.bad_request', 400, false],
    ['gateway.overloaded', 503, true],
    ['bus.timeout', 504, false],
    ['bus.unavailable', 503, true],
    ['bus.no_route', 503, true],
    ['bus.connection_lost', 503, true],
    ['bus.outcome_unknown', 504, false],
    ['bus.invalid_message', 502, false],
    ['bus.idempotency_conflict', 422, false],
    ['bus.in_progress', 409, true],
    ['bus.dead_lettered', 500, false],
    ['bus.overloaded', 503, true],
  ];

  it("covers every code of the gateway's, the bus's and the API modules' catalogues", () => {
    const modules = apiModules.flatMap((api) => api.errorTypes.map((type) => type.code));
    expect(mappedErrorTypes.map((type) => type.code).sort()).toEqual(
      [...expected.map(([code]) => code), ...modules].sort(),
    );
    for (const api of apiModules) {
      expect([...api.problems.keys()].sort()).toEqual(api.errorTypes.map((type) => type.code).sort());
    }
  });

  it.each(expected)('maps %s to %i with its own type', (code, status, retryAfter) => {
    const type = mappedErrorTypes.find((candidate) => candidate.code === code);
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
    expect(problem.body.title.length).toBeGreaterThan(0);
    expect(problem.headers['content-type']).toBe(problemContentType);
    expect(problem.headers['retry-after'] === '1').toBe(retryAfter);
  });

  it('shows the issues of invalid input', () => {
    const issues = [{ in: 'body', path: ['userId'], code: 'invalid_type', message: 'expected string' }];
    const problem = toProblem(GatewayErrors.invalidInput.create('bad body', issues), path, requestId);
    expect(problem.body.issues).toEqual(issues);
  });

  it('keeps the message of a client error but never that of a bus or server error', () => {
    expect(toProblem(GatewayErrors.routeNotFound.create('no route x'), path, requestId).body.detail).toBe(
      'no route x',
    );
    const timeout = toProblem(BusErrors.timeout.create('catalog.get on node-7 at 10.0.0.3'), path, requestId);
    expect(timeout.body.detail).not.toContain('node-7');
  });

  it('answers an error that is not a TrellisError with 500 and no internals', () => {
    const problem = toProblem(new Error('connection string postgres://admin:secret@db'), path, requestId);
    expect(problem.status).toBe(500);
    expect(problem.body.type).toBe('https://trellis.dev/problems/internal.unexpected');
    expect(JSON.stringify(problem.body)).not.toContain('secret');
  });

  it("keeps the status and type of a code it does not know, hiding a 5xx one's message", () => {
    const clientError = new TrellisError({
      code: 'cart.too_many_lines',
      message: 'at most 50 lines',
      status: 422,
      retryable: false,
    });
    expect(toProblem(clientError, path, requestId).body).toMatchObject({
      status: 422,
      type: 'https://trellis.dev/problems/cart.too_many_lines',
      detail: 'at most 50 lines',
    });
    const serverError = new TrellisError({
      code: 'cart.store_down',
      message: 'redis at 10.0.0.9 refused',
      status: 503,
      retryable: true,
    });
    const problem = toProblem(serverError, path, requestId);
    expect(problem.status).toBe(503);
    expect(problem.body.detail).not.toContain('10.0.0.9');
    expect(problem.headers['retry-after']).toBe('1');
  });

  it("maps Fastify's parser errors to the gateway's codes", () => {
    const fastifyError = (code: string, statusCode: number) =>
      Object.assign(new Error(code), { code, statusCode });
    expect(toProblem(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400), path, requestId).body.code).toBe(
      'gateway.malformed_json',
    );
    expect(toProblem(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), path, requestId).status).toBe(413);
    expect(toProblem(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), path, requestId).status).toBe(415);
  });
});
