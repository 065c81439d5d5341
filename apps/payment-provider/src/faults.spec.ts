import { describe, expect, it } from 'vitest';

import { Faults } from './faults';

function rolls(faults: Faults, count: number): boolean[] {
  return Array.from({ length: count }, () => faults.shouldFail());
}

describe('Faults', () => {
  it('fails the same requests in the same order for the same seed', () => {
    const first = new Faults();
    const second = new Faults();
    first.set({ failRate: 0.5, seed: 42 });
    second.set({ failRate: 0.5, seed: 42 });
    const sequence = rolls(first, 200);
    expect(rolls(second, 200)).toEqual(sequence);
    // A fair coin over 200 rolls lands well inside these bounds; a broken comparison would not.
    const failures = sequence.filter(Boolean).length;
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);
  });

  it('restarts the sequence when the same seed is set again', () => {
    const faults = new Faults();
    faults.set({ failRate: 0.3, seed: 7 });
    const sequence = rolls(faults, 50);
    faults.set({ failRate: 0.3, seed: 7 });
    expect(rolls(faults, 50)).toEqual(sequence);
  });

  it('never fails at rate 0 and always fails at rate 1', () => {
    const faults = new Faults();
    faults.set({ failRate: 0, seed: 1 });
    expect(rolls(faults, 100)).not.toContain(true);
    faults.set({ failRate: 1, seed: 1 });
    expect(rolls(faults, 100)).not.toContain(false);
  });

  it('drops exactly the next N replies, then none', () => {
    const faults = new Faults();
    faults.set({ dropReplyAfterCommit: 2 });
    expect([faults.takeDroppedReply(), faults.takeDroppedReply(), faults.takeDroppedReply()]).toEqual([
      true,
      true,
      false,
    ]);
    expect(faults.settings.dropReplyAfterCommit).toBe(0);
  });

  it('replaces every setting on set and clears them all on reset', () => {
    const faults = new Faults();
    faults.set({ latencyMs: 100, failRate: 0.2, dropReplyAfterCommit: 3, seed: 5 });
    expect(faults.set({ latencyMs: 10 })).toEqual({
      latencyMs: 10,
      failRate: 0,
      dropReplyAfterCommit: 0,
      seed: null,
    });
    faults.set({ failRate: 1 });
    expect(faults.reset()).toEqual({ latencyMs: 0, failRate: 0, dropReplyAfterCommit: 0, seed: null });
    expect(faults.shouldFail()).toBe(false);
  });
});
