// A session as a plain value, and how a login opens or refreshes it: pure functions, no I/O.
import { sessionId, userId } from '@trellis/contracts';
import { z } from 'zod';

/** The stored form of a session. */
export const sessionSchema = z.object({ sessionId, userId, createdAt: z.string() });

/** A logged-in session of a user, under the id the gateway chose. */
export type Session = z.infer<typeof sessionSchema>;

/**
 * The session after a login: the current one, unchanged, when it already belongs to the same user (so a
 * repeated login is harmless), otherwise a new one created `now`.
 */
export function openSession(
  current: Session | undefined,
  login: { sessionId: string; userId: string },
  now: Date,
): Session {
  if (current !== undefined && current.userId === login.userId) return current;
  return { sessionId: login.sessionId, userId: login.userId, createdAt: now.toISOString() };
}

/** True when a login would start a new session rather than refresh `current` (see {@link openSession}). */
export function startsNewSession(current: Session | undefined, login: { userId: string }): boolean {
  return current === undefined || current.userId !== login.userId;
}
