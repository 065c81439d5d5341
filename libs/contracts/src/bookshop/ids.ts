import { z } from 'zod';

/** Ids the bookshop's interfaces share. */
export const sessionId = z.string().uuid();
export const userId = z.string().min(1).max(64);
export const bookId = z.string().min(1).max(64);
export const orderId = z.string().uuid();
export const quantity = z.number().int().min(1).max(99);

/** A line of a cart or an order. */
export const line = z.object({ bookId, quantity });

/**
 * Routing of everything a session owns (the session itself and its cart): by the session id, so that every
 * call of one session reaches the node that holds its data.
 */
export const bySession = {
  kind: 'by-key',
  keyOf: (request: { sessionId: string }) => request.sessionId,
} as const;
