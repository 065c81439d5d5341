import { z } from 'zod';
import { defineCall } from '../contract';
import { bySession, sessionId, userId } from './ids';

// Sessions live on the cart node that owns the session's key; the gateway signs the session id into the
// client's token and routes every call of a session by that key (bySession).
const session = z.object({ sessionId, userId, createdAt: z.string() });

/** Opens a session for a user under a session id the gateway chose. At-least-once: opening twice is harmless. */
export const login = defineCall({
  name: 'sessions.login',
  policy: 'at-least-once',
  request: z.object({ sessionId, userId }),
  reply: session,
  routing: bySession,
  timeoutMs: 2_000,
});

/** Reads a session; `sessions.unknown_session` when its data is gone. */
export const getSession = defineCall({
  name: 'sessions.get',
  policy: 'at-least-once',
  request: z.object({ sessionId }),
  reply: session,
  routing: bySession,
  timeoutMs: 2_000,
});

/** Ends a session and drops its cart. Idempotent. */
export const logout = defineCall({
  name: 'sessions.logout',
  policy: 'at-least-once',
  request: z.object({ sessionId }),
  reply: z.object({}),
  routing: bySession,
  timeoutMs: 2_000,
});
