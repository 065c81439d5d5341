import { describe, expect, it } from 'vitest';
import { openSession, startsNewSession } from './session';

const sessionId = '6f1c7d1e-3b7a-4d8e-9a51-0c2f6f4b9e10';
const monday = new Date('2025-01-06T09:00:00.000Z');
const tuesday = new Date('2025-01-07T09:00:00.000Z');

describe('openSession', () => {
  it('creates a session stamped with the login time when there is none', () => {
    expect(openSession(undefined, { sessionId, userId: 'ada' }, monday)).toEqual({
      sessionId,
      userId: 'ada',
      createdAt: monday.toISOString(),
    });
  });

  it('keeps the session of the same user as it was, so a repeated login changes nothing', () => {
    const first = openSession(undefined, { sessionId, userId: 'ada' }, monday);
    expect(openSession(first, { sessionId, userId: 'ada' }, tuesday)).toEqual(first);
    expect(startsNewSession(first, { userId: 'ada' })).toBe(false);
  });

  it('replaces a session of another user under the same id with a new one', () => {
    const ada = openSession(undefined, { sessionId, userId: 'ada' }, monday);
    expect(openSession(ada, { sessionId, userId: 'bob' }, tuesday)).toEqual({
      sessionId,
      userId: 'bob',
      createdAt: tuesday.toISOString(),
    });
    expect(startsNewSession(ada, { userId: 'bob' })).toBe(true);
    expect(startsNewSession(undefined, { userId: 'bob' })).toBe(true);
  });
});
