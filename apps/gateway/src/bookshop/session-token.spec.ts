import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { SessionTokens } from './session-token';

const secret = 'unit-test-secret-0123456789abcdefghij';

describe('SessionTokens', () => {
  const tokens = new SessionTokens(secret);
  const sessionId = randomUUID();

  it('verifies a token it signed and returns its session id', () => {
    expect(tokens.verify(tokens.sign(sessionId))).toBe(sessionId);
  });

  it('refuses a token signed with another secret', () => {
    const foreign = new SessionTokens('another-secret-0123456789abcdefghij').sign(sessionId);
    expect(tokens.verify(foreign)).toBeUndefined();
  });

  it("refuses another session's signature on this session id", () => {
    const other = tokens.sign(randomUUID());
    const swapped = `${sessionId}.${other.slice(other.indexOf('.') + 1)}`;
    expect(tokens.verify(swapped)).toBeUndefined();
  });

  it('refuses a signature with one character changed, truncated or extended', () => {
    const token = tokens.sign(sessionId);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(tokens.verify(`${token.slice(0, -1)}${last}`)).toBeUndefined();
    expect(tokens.verify(token.slice(0, -2))).toBeUndefined();
    expect(tokens.verify(`${token}AA`)).toBeUndefined();
  });

  it('refuses malformed tokens without throwing', () => {
    for (const token of ['', '.', 'no-dot', `${sessionId}.`, `.${'a'.repeat(43)}`, 'not-a-uuid.abc']) {
      expect(tokens.verify(token)).toBeUndefined();
    }
  });
});
