// The one place where errors become HTTP responses: every error the gateway answers with, from Fastify's
// parser, the route schemas, the bus or a node's catalogue, is mapped here to RFC 9457 problem+json.
import { TrellisError } from '@trellis/contracts';
import type { ErrorType } from '@trellis/contracts';
import { BusErrors } from '@trellis/bus';

import { apiModules } from './api-modules';
import type { ProblemSpec } from './gateway-api';
import { GatewayErrors } from './gateway-errors';
import { retryAfterSeconds } from './retry-after';

/** Base of every problem `type`; the error code is appended, so each code has one stable type URI. */
export const problemTypeBase = 'https://trellis.dev/problems/';

/** The media type of every error response. */
export const problemContentType = 'application/problem+json; charset=utf-8';

/** The body of an error response (RFC 9457), with `code` and the request id as extension members. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  /** The stable error code the type is derived from. */
  code: string;
  /** The id Fastify gave the request; it is on every log line about it. */
  requestId: string;
  /** Schema issues, for invalid input only. */
  issues?: unknown;
}

/** What to answer: status, extra headers and body. */
export interface Problem {
  status: number;
  headers: Record<string, string>;
  body: ProblemBody;
}

const internalCode = 'internal.unexpected';

const specs = new Map<string, ProblemSpec>([
  [GatewayErrors.invalidInput.code, { title: 'Invalid input' }],
  [GatewayErrors.malformedJson.code, { title: 'Malformed JSON' }],
  [GatewayErrors.unauthenticated.code, { title: 'Not authenticated' }],
  [GatewayErrors.routeNotFound.code, { title: 'Not found' }],
  [GatewayErrors.bodyTooLarge.code, { title: 'Request body too large' }],
  [GatewayErrors.unsupportedMediaType.code, { title: 'Unsupported media type' }],
  [GatewayErrors.badRequest.code, { title: 'Bad request' }],
  [
    GatewayErrors.overloaded.code,
    { title: 'Gateway overloaded', detail: 'Too many requests in flight; retry shortly.', retryAfter: true },
  ],
  [
    BusErrors.timeout.code,
    { title: 'Timed out', detail: 'A node needed for this request did not answer in time.' },
  ],
  [
    BusErrors.unavailable.code,
    {
      title: 'Service unavailable',
      detail: 'The gateway has no connection to the service bus.',
      retryAfter: true,
    },
  ],
  [
    BusErrors.noRoute.code,
    {
      title: 'Service unavailable',
      detail: 'No node serves a part of this request right now.',
      retryAfter: true,
    },
  ],
  [
    BusErrors.connectionLost.code,
    {
      title: 'Service unavailable',
      detail: 'The connection to the service bus broke during the request.',
      retryAfter: true,
    },
  ],
  [
    BusErrors.overloaded.code,
    { title: 'Service overloaded', detail: 'A node needed for this request is busy.', retryAfter: true },
  ],
  [
    BusErrors.outcomeUnknown.code,
    {
      title: 'Outcome unknown',
      detail: 'The outcome is not known yet; retry with the same Idempotency-Key.',
    },
  ],
  [
    BusErrors.idempotencyConflict.code,
    { title: 'Idempotency key reused', detail: 'This Idempotency-Key was already used for another request.' },
  ],
  [
    BusErrors.inProgress.code,
    {
      title: 'Request in progress',
      detail: 'A request with this Idempotency-Key is still running; retry shortly.',
      retryAfter: true,
    },
  ],
  // The gateway validates every input against the contract's own schema before calling, so an invalid
  // message on the bus is a node answering outside its contract: the client's request was fine (502, not 400).
  [
    BusErrors.invalidMessage.code,
    { title: 'Bad gateway', status: 502, detail: 'A node answered outside its contract.' },
  ],
  [BusErrors.deadLettered.code, { title: 'Internal error', detail: 'The request could not be processed.' }],
  [internalCode, { title: 'Internal error', status: 500, detail: 'The request could not be processed.' }],
  // The API modules' own codes.
  ...apiModules.flatMap((api) => [...api.problems]),
]);

/** The problem type URI of an error code. */
export function problemTypeOf(code: string): string {
  return `${problemTypeBase}${code}`;
}

/** The catalogue entries this module maps explicitly (for tests and the cluster view). */
export const mappedErrorTypes: readonly ErrorType[] = [
  ...Object.values(GatewayErrors),
  ...apiModules.flatMap((api) => api.errorTypes),
  ...Object.values(BusErrors),
];

interface FastifyClientError {
  code: string;
  statusCode: number;
  message: string;
}

function isFastifyClientError(error: unknown): error is FastifyClientError {
  if (!(error instanceof Error)) return false;
  const { code, statusCode } = error as Partial<FastifyClientError>;
  return (
    typeof code === 'string' &&
    code.startsWith('FST_') &&
    typeof statusCode === 'number' &&
    statusCode >= 400 &&
    statusCode < 500
  );
}

/** Fastify's own request errors, read as the gateway's catalogue. */
function fromFastify(error: FastifyClientError): TrellisError {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return GatewayErrors.malformedJson.create(error.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return GatewayErrors.bodyTooLarge.create('The request body is larger than the gateway accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return GatewayErrors.unsupportedMediaType.create('Send the body as application/json.');
    default:
      return GatewayErrors.badRequest.create(error.message);
  }
}

/** JSON.parse's own SyntaxError, when a body reaches the default parser's error path without a Fastify code. */
function isJsonSyntaxError(error: unknown): error is SyntaxError & { statusCode: number } {
  return error instanceof SyntaxError && (error as { statusCode?: unknown }).statusCode === 400;
}

function normalise(error: unknown): TrellisError {
  if (error instanceof TrellisError) return error;
  if (isFastifyClientError(error)) return fromFastify(error);
  if (isJsonSyntaxError(error)) return GatewayErrors.malformedJson.create(error.message);
  return new TrellisError({
    code: internalCode,
    message: 'unexpected error',
    status: 500,
    retryable: false,
  });
}

/**
 * Maps any thrown value to problem+json. Known codes get their title, status and (for errors about our
 * internals) a fixed detail; a code from a catalogue this table does not know yet keeps its status and type,
 * but a 5xx one shows no message; anything that is not a TrellisError is a 500 with no internals.
 * `instance` is the request's path; `requestId` ties the answer to the log lines.
 */
export function toProblem(error: unknown, instance: string, requestId: string): Problem {
  const trellisError = normalise(error);
  const spec = specs.get(trellisError.code);
  const catalogueStatus =
    trellisError.status >= 400 && trellisError.status <= 599 ? trellisError.status : 500;
  const status = spec?.status ?? catalogueStatus;
  const detail =
    spec?.detail ?? (status < 500 ? trellisError.message : 'The request could not be processed.');
  const body: ProblemBody = {
    type: problemTypeOf(trellisError.code),
    title: spec?.title ?? (status < 500 ? 'Request refused' : 'Request failed'),
    status,
    detail,
    instance,
    code: trellisError.code,
    requestId,
  };
  if (GatewayErrors.invalidInput.is(trellisError)) body.issues = trellisError.data;
  const headers: Record<string, string> = { 'content-type': problemContentType };
  // Clients retry 503s (and the retryable 409) after this many seconds instead of at once.
  if (spec?.retryAfter === true || (spec === undefined && status === 503)) {
    headers['retry-after'] = String(retryAfterSeconds);
  }
  // RFC 6750: a 401 names the scheme the client must use.
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  return { status, headers, body };
}
