import { expect, it } from 'vitest';

import { RetryAfterGate } from './retry-after-gate';

it('stays closed until the latest reopening time asked for, then opens', () => {
  let now = 1_000;
  const gate = new RetryAfterGate(() => now);
  expect(gate.remainingMs()).toBe(0);

  gate.closeFor(1_000);
  gate.closeFor(200); // an earlier reopening must not shorten the wait asked for before
  expect(gate.remainingMs()).toBe(1_000);

  now += 600;
  expect(gate.remainingMs()).toBe(400);
  now += 400;
  expect(gate.remainingMs()).toBe(0);
});
