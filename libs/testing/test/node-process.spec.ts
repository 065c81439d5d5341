import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { startNodeProcess, stopAllNodeProcesses, waitFor } from '../src';

const fixture = (name: string): string => join(__dirname, 'fixtures', name);

/** The one-letter state from /proc/<pid>/stat: R running, S sleeping, T stopped. */
async function processState(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
}

const isPong = (message: unknown): message is { type: 'pong'; pid: number } =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'pong';

describe('startNodeProcess', () => {
  afterAll(stopAllNodeProcesses);

  it('starts a TypeScript child, waits for ready, pauses, resumes and kills it', async () => {
    const node = await startNodeProcess(fixture('echo-node.ts'), {
      name: 'echo',
      env: { ECHO_GREETING: 'hello' },
    });
    expect(node.output()).toContain(`echo-node ${node.pid} starting (hello)`);

    await node.send({ type: 'ping' });
    await expect(node.waitForMessage(isPong, 5_000, { includeReceived: true })).resolves.toEqual({
      type: 'pong',
      pid: node.pid,
    });

    node.pause();
    await waitFor(async () => (await processState(node.pid)) === 'T', {
      timeoutMs: 5_000,
      intervalMs: 20,
      description: 'the child to be stopped',
    });
    const received = node.messages.length;
    node.resume();
    await waitFor(async () => (await processState(node.pid)) !== 'T', {
      timeoutMs: 5_000,
      intervalMs: 20,
      description: 'the child to run again',
    });
    const pong = node.waitForMessage(isPong, 5_000);
    await node.send({ type: 'ping' });
    await expect(pong).resolves.toMatchObject({ type: 'pong' });
    expect(node.messages.length).toBe(received + 1);

    node.kill();
    await expect(node.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('rejects with the collected output when the child exits before it is ready', async () => {
    await expect(startNodeProcess(fixture('crash-node.ts'), { name: 'crash' })).rejects.toThrow(
      /crash exited \(code 3\) before signalling ready[\s\S]*configuration is missing/,
    );
  });

  it('kills whatever is still running, paused children included', async () => {
    const running = await startNodeProcess(fixture('echo-node.ts'), { name: 'running' });
    const paused = await startNodeProcess(fixture('echo-node.ts'), { name: 'paused' });
    paused.pause();
    await stopAllNodeProcesses();
    await expect(running.exited).resolves.toMatchObject({ signal: 'SIGKILL' });
    await expect(paused.exited).resolves.toMatchObject({ signal: 'SIGKILL' });
  });
});
