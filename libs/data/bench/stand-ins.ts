// The data bench's own bus instances: a stand-in catalogue (cart.setItem asks `catalog.get` first) and an
// echo responder, the baseline a cart call is compared with: one bus round trip and nothing else.
import { Bus } from '@trellis/bus';
import { defineCall, getBook, sessionId } from '@trellis/contracts';
import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * The baseline interface: the same policy, payload size and timeout as `cart.get`, answered at once. It goes
 * to the family's shared queue; the cart calls go to a node's own queue, which costs the broker the same.
 */
export const echo = defineCall({
  name: 'bench.echo',
  policy: 'at-least-once',
  request: z.object({ sessionId }),
  reply: z.object({ sessionId }),
  timeoutMs: 2_000,
});

/** The bench's responders; `close()` closes both. */
export interface StandIns {
  close(): Promise<void>;
}

/** Connects a catalogue that knows any book id, and the echo responder, each on a bus of its own. */
export async function startStandIns(amqpUrl: string, logger: Logger): Promise<StandIns> {
  const catalog = await Bus.connect({ url: amqpUrl, logger, nodeId: 'catalog-stand-in' });
  await catalog.handle(getBook, ({ bookId }) => ({
    id: bookId,
    title: `Bench book ${bookId}`,
    author: 'Bench',
    priceCents: 1000,
  }));
  const responder = await Bus.connect({ url: amqpUrl, logger, nodeId: 'echo-responder' });
  await responder.handle(echo, (request) => request);
  return {
    async close() {
      await Promise.all([catalog.close(), responder.close()]);
    },
  };
}
