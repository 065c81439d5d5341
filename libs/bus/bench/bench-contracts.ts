// The benchmark's interfaces: the same tiny request/reply under each delivery policy.
import { z } from 'zod';
import type { DeliveryPolicy } from '@trellis/contracts';
import { defineCall } from '@trellis/contracts';

const verbs: Record<DeliveryPolicy, string> = {
  'at-most-once': 'pingAtMostOnce',
  'at-least-once': 'pingAtLeastOnce',
  'exactly-once': 'pingExactlyOnce',
};

/** The ping interface of one policy (prefetch 64, as the raw durable responder). */
export function pingContract(policy: DeliveryPolicy) {
  return defineCall({
    name: `bench.${verbs[policy]}`,
    policy,
    request: z.object({ id: z.number().int(), op: z.literal('ping') }),
    reply: z.object({ ok: z.literal(true) }),
    prefetch: 64,
    timeoutMs: 10_000,
  });
}
