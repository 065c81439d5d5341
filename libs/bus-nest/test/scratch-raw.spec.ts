import { pino } from 'pino';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { Bus } from '@trellis/bus';
import { defineCall } from '@trellis/contracts';
import { createRabbitVhost, waitFor } from '@trellis/testing';

const quote = defineCall({
  name: 'pricing.quote',
  policy: 'at-least-once',
  request: z.object({ bookId: z.string() }),
  reply: z.object({ ok: z.boolean() }),
  timeoutMs: 3_000,
  retry: { maxAttempts: 1 },
});

it('raw bus: in-flight reply during close', async () => {
  const vhost = await createRabbitVhost('scratch');
  const logger = pino({ level: 'debug' });
  const handler = await Bus.connect({ url: vhost.url, logger, nodeId: 'h' });
  const caller = await Bus.connect({ url: vhost.url, logger, nodeId: 'c' });
  let entered = false;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  await handler.handle(quote, async () => {
    entered = true;
    await gate;
    return { ok: true };
  });
  const reply = caller.call(quote, { bookId: 'x' });
  await waitFor(() => entered, { timeoutMs: 3000, description: 'entered' });
  setTimeout(release, Number(process.env['DELAY'] ?? 100));
  const closing = handler.close();
  await closing;
  process.stderr.write(`DBG closed handled=${handler.metrics.count(quote.name,'handled')} replied=${handler.metrics.count(quote.name,'replied')}\n`);
  const result = await reply.catch((e: unknown) => e);
  await caller.close();
  await vhost.delete();
  expect(result).toEqual({ ok: true });
});
