import type { Bus } from '@trellis/bus';
import { getSession } from '@trellis/contracts';

import { GatewayErrors } from '../gateway-errors';
import type { SessionTokens } from './session-token';

/** Who is calling: the session the token names and the user that session belongs to. */
export interface AuthenticatedSession {
  readonly sessionId: string;
  readonly userId: string;
}

const bearer = /^Bearer ([^\s]+)$/i;

/**
 * Authenticates a request from its `Authorization: Bearer <token>` header: the signature proves the gateway
 * chose the session id; `sessions.get` on the bus proves the session still exists (a session whose node
 * died is `sessions.unknown_session`, and the client logs in again) and tells whose it is.
 */
export class Authenticator {
  constructor(
    private readonly bus: Pick<Bus, 'call'>,
    private readonly tokens: SessionTokens,
  ) {}

  /** The caller's session; throws `gateway.unauthenticated` or `sessions.unknown_session`. */
  async authenticate(authorization: string | undefined): Promise<AuthenticatedSession> {
    const token = bearer.exec(authorization ?? '')?.[1];
    if (token === undefined) {
      throw GatewayErrors.unauthenticated.create(
        'Send "Authorization: Bearer <token>" with the token from POST /v1/sessions.',
      );
    }
    const sessionId = this.tokens.verify(token);
    if (sessionId === undefined) throw GatewayErrors.unauthenticated.create('The token is not valid.');
    const session = await this.bus.call(getSession, { sessionId });
    return { sessionId, userId: session.userId };
  }
}
