import { describe, expect, it } from 'vitest';

import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `ready after ${calls}` : undefined), {
      timeoutMs: 1_000,
      intervalMs: 1,
      description: 'the third call',
    });
    expect(value).toBe('ready after 3');
  });

  it('treats 0 and empty string as values, not as "not yet"', async () => {
    await expect(waitFor(() => 0, { timeoutMs: 100, description: 'zero' })).resolves.toBe(0);
    await expect(waitFor(() => '', { timeoutMs: 100, description: 'empty' })).resolves.toBe('');
  });

  it('keeps polling through rejections of the probe', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(new Error('not up yet')) : Promise.resolve(calls);
      },
      { timeoutMs: 1_000, intervalMs: 1, description: 'a flaky probe' },
    );
    expect(value).toBe(3);
  });

  it('rejects at the deadline naming the description and the last value', async () => {
    const started = Date.now();
    await expect(
      waitFor(() => false, { timeoutMs: 50, intervalMs: 5, description: 'the queue to drain' }),
    ).rejects.toThrow(/Timed out after 50 ms .*waiting for the queue to drain; last value: false/);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('rejects at the deadline with the last error as message and cause', async () => {
    const failure = new Error('connection refused');
    const rejection = waitFor(
      () => {
        throw failure;
      },
      { timeoutMs: 30, intervalMs: 5, description: 'the broker' },
    );
    await expect(rejection).rejects.toThrow(/waiting for the broker; last error: connection refused/);
    await expect(rejection).rejects.toHaveProperty('cause', failure);
  });

  it('does not let a hanging probe outlive the deadline', async () => {
    const started = Date.now();
    await expect(
      waitFor(() => new Promise<string>(() => undefined), { timeoutMs: 50, description: 'a hung probe' }),
    ).rejects.toThrow(/a hung probe; last error: probe did not settle before the deadline/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
