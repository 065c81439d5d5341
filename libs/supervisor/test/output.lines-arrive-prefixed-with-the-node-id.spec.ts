// Each line a node writes reaches the sink whole, on its stream, prefixed with the node id.
import { afterEach, expect, test } from 'vitest';

import { Supervisor } from '../src/index';

import { collectingSink, fixtureSpec, silentLogger, stopQuietly, waitUntilReady } from './fixtures/harness';

let supervisor: Supervisor | undefined;
afterEach(() => stopQuietly(supervisor));

test('stdout and stderr lines of each node arrive prefixed with its id, the last unterminated one too', async () => {
  const { lines, sink } = collectingSink();
  supervisor = new Supervisor({
    children: [
      fixtureSpec('catalog-1', 'well-behaved-node', {}, 'service'),
      fixtureSpec('gateway-1', 'well-behaved-node', {}, 'front-end'),
    ],
    output: sink,
    logger: silentLogger,
  });
  supervisor.start();
  const pids = await waitUntilReady(lines, ['catalog-1', 'gateway-1']);
  await supervisor.stop();

  for (const [id, type] of [
    ['catalog-1', 'service'],
    ['gateway-1', 'front-end'],
  ] as const) {
    const family = id.replace(/-\d+$/, '');
    const ofNode = lines.filter((line) => line.id === id).map(({ stream, text }) => ({ stream, text }));
    expect(ofNode).toEqual(
      expect.arrayContaining([
        {
          stream: 'stdout',
          text: `[${id}] ready id=${id} family=${family} type=${type} index=- pid=${pids.get(id)}`,
        },
        { stream: 'stderr', text: `[${id}] a line on stderr` },
        { stream: 'stderr', text: `[${id}] no line break` },
        { stream: 'stdout', text: `[${id}] stopping` },
        { stream: 'stdout', text: `[${id}] stopped` },
      ]),
    );
    expect(ofNode).toHaveLength(5);
  }
  expect(lines.every((line) => line.text.startsWith(`[${line.id}] `))).toBe(true);
});
