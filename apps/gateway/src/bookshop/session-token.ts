import { createHmac, timingSafeEqual } from 'node:crypto';

import { sessionId as sessionIdSchema } from '@trellis/contracts';

/**
 * Signs session ids into bearer tokens and checks them: `<sessionId>.<HMAC-SHA256 of the id, base64url>`.
 * The token proves only that this gateway family chose the id; whether the session still exists is the
 * sessions family's answer (`sessions.get`), so any gateway node with the same secret can verify any token.
 */
export class SessionTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(secret, 'utf8');
  }

  /** The token for a session id. */
  sign(sessionId: string): string {
    return `${sessionId}.${this.signature(sessionId).toString('base64url')}`;
  }

  /**
   * The session id a token carries, or `undefined` when the token is malformed or its signature is not ours.
   * Compares signatures in constant time, so response timing reveals nothing about a forged one.
   */
  verify(token: string): string | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const sessionId = token.slice(0, dot);
    if (!sessionIdSchema.safeParse(sessionId).success) return undefined;
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.signature(sessionId);
    // timingSafeEqual throws on different lengths; a wrong length is a forgery anyway.
    if (given.length !== expected.length) return undefined;
    return timingSafeEqual(given, expected) ? sessionId : undefined;
  }

  private signature(sessionId: string): Buffer {
    return createHmac('sha256', this.key).update(sessionId, 'utf8').digest();
  }
}
