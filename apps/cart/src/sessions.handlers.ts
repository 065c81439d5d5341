// The sessions.* interfaces of the cart node: decode, call the domain, encode.
import { Inject, Injectable } from '@nestjs/common';
import { HandlesCall } from '@trellis/bus-nest';
import { getSession, login, logout } from '@trellis/contracts';
import type { HandledRequestOf, HandlerReplyOf } from '@trellis/contracts';
import type { Session } from './session';
import { SessionCarts } from './session-carts';

/** Serves `sessions.login`, `sessions.get` and `sessions.logout`. */
@Injectable()
export class SessionsHandlers {
  constructor(@Inject(SessionCarts) private readonly sessionCarts: SessionCarts) {}

  /** Opens or refreshes the session (idempotent). */
  @HandlesCall(login)
  async login(request: HandledRequestOf<typeof login>): Promise<HandlerReplyOf<typeof login>> {
    return toReply(await this.sessionCarts.login(request));
  }

  /** The live session, or `sessions.unknown_session`. */
  @HandlesCall(getSession)
  async get(request: HandledRequestOf<typeof getSession>): Promise<HandlerReplyOf<typeof getSession>> {
    return toReply(await this.sessionCarts.session(request.sessionId));
  }

  /** Ends the session and drops its cart (idempotent). */
  @HandlesCall(logout)
  async logout(request: HandledRequestOf<typeof logout>): Promise<HandlerReplyOf<typeof logout>> {
    await this.sessionCarts.logout(request.sessionId);
    return {};
  }
}

function toReply(session: Session): HandlerReplyOf<typeof login> {
  return { sessionId: session.sessionId, userId: session.userId, createdAt: session.createdAt };
}
