import { z } from 'zod';
import type { CallContract } from '@trellis/contracts';
import { defineCall } from '@trellis/contracts';

const errorData = z.object({
  code: z.string(),
  message: z.string(),
  status: z.number(),
  retryable: z.boolean(),
  data: z.unknown().optional(),
});

const outcomeReply = z.discriminatedUnion('status', [
  z.object({ status: z.literal('replied'), reply: z.unknown() }),
  z.object({ status: z.literal('rejected'), error: errorData }),
  z.object({ status: z.literal('unknown') }),
]);

/** The stored outcome of an exactly-once call: its reply, its refusal, or unknown (never ran, or expired). */
export type Outcome = z.output<typeof outcomeReply>;

const outcomeRequest = z.object({ idempotencyKey: z.string().min(1) });

/** The read-back interface of an exactly-once interface, the same for all of them. */
export type OutcomeContract = CallContract<typeof outcomeRequest, typeof outcomeReply>;

const outcomeContracts = new WeakMap<CallContract, OutcomeContract>();

/**
 * The companion interface `family.verbOutcome` that every exactly-once handler serves from its inbox, so that a
 * caller told "outcome unknown" can later read the outcome by its idempotency key.
 */
export function outcomeContractOf(contract: CallContract): OutcomeContract {
  let outcome = outcomeContracts.get(contract);
  if (outcome === undefined) {
    outcome = defineCall({
      name: `${contract.name}Outcome`,
      policy: 'at-least-once',
      request: outcomeRequest,
      reply: outcomeReply,
      timeoutMs: contract.timeoutMs,
      retry: contract.retry,
    });
    outcomeContracts.set(contract, outcome);
  }
  return outcome;
}
