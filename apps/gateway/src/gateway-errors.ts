import { defineErrorType } from '@trellis/contracts';

/**
 * The gateway's own error catalogue: what goes wrong at the HTTP edge before (or instead of) a bus call.
 * `problem.ts` maps these, like every other catalogue's codes, to problem+json.
 */
export const GatewayErrors = {
  /** The body, a path parameter or a header does not match the route's schema; `data` holds the issues. */
  invalidInput: defineErrorType('gateway.invalid_input', 400, false),
  /** The body is not JSON. */
  malformedJson: defineErrorType('gateway.malformed_json', 400, false),
  /** No bearer token, or one whose signature is not ours. */
  unauthenticated: defineErrorType('gateway.unauthenticated', 401, false),
  /** No route for the method and path. */
  routeNotFound: defineErrorType('gateway.route_not_found', 404, false),
  /** The body is larger than `GATEWAY_BODY_LIMIT_BYTES`. */
  bodyTooLarge: defineErrorType('gateway.body_too_large', 413, false),
  /** The body's media type is not JSON. */
  unsupportedMediaType: defineErrorType('gateway.unsupported_media_type', 415, false),
  /** Another client error Fastify found in the request (e.g. a bad Content-Length). */
  badRequest: defineErrorType('gateway.bad_request', 400, false),
  /** The gateway already serves `GATEWAY_MAX_IN_FLIGHT` requests: refused at once (back pressure). */
  overloaded: defineErrorType('gateway.overloaded', 503, true),
};
