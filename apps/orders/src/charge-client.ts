// The orders node's side of payments.charge: one charge per order, and what to make of every way a call ends.
import type { Bus } from '@trellis/bus';
import { BusErrors } from '@trellis/bus';
import { BookshopErrors, chargeOrder, TrellisError } from '@trellis/contracts';
import { TaskCancelledError, timeout, TimeoutStrategy } from 'cockatiel';
import type { Logger } from 'pino';
import type { ChargeVerdict, Order } from './order';
import { chargeKeyFor } from './order-keys';

/**
 * What is known about an order's charge: settled (succeeded or declined, for good), or unknown (payments did
 * not answer in time, or its answer was lost): then the order stays pending and the reconciler asks again.
 */
export type ChargeResult =
  { kind: 'settled'; verdict: ChargeVerdict; chargeId: string | null } | { kind: 'unknown'; reason: string };

/**
 * Charges orders at payments under a key derived from the order id, so that every attempt, every node and the
 * reconciler reach the same single charge. Never throws: every failure is a {@link ChargeResult}.
 */
export class ChargeClient {
  private readonly budget;

  constructor(
    private readonly bus: Bus,
    budgetMs: number,
    private readonly logger: Logger,
  ) {
    // Aggressive: stop waiting at the budget even though the bus call keeps retrying in the background; its
    // late answer is harmless (same key) and the reconciler reads it back by key.
    this.budget = timeout(budgetMs, TimeoutStrategy.Aggressive);
  }

  /** Charges `order.totalCents` EUR (exactly-once), waiting at most the charge budget. */
  async charge(order: Order): Promise<ChargeResult> {
    try {
      const reply = await this.budget.execute(() =>
        this.bus.call(
          chargeOrder,
          { orderId: order.orderId, amountCents: order.totalCents, currency: 'EUR' },
          { idempotencyKey: chargeKeyFor(order.orderId) },
        ),
      );
      return { kind: 'settled', verdict: reply.status, chargeId: reply.chargeId };
    } catch (error) {
      return this.resultOfFailure(order.orderId, error);
    }
  }

  /** Reads back the stored outcome of the order's charge, without charging. */
  async readOutcome(orderId: string): Promise<ChargeResult> {
    let outcome;
    try {
      outcome = await this.budget.execute(() => this.bus.outcome(chargeOrder, chargeKeyFor(orderId)));
    } catch (error) {
      return { kind: 'unknown', reason: `outcome not readable: ${describe(error)}` };
    }
    switch (outcome.status) {
      case 'unknown':
        return { kind: 'unknown', reason: 'payments has no outcome stored for the charge' };
      case 'replied': {
        const reply = chargeOrder.reply.safeParse(outcome.reply);
        if (!reply.success) return { kind: 'unknown', reason: 'the stored charge reply is malformed' };
        return { kind: 'settled', verdict: reply.data.status, chargeId: reply.data.chargeId };
      }
      case 'rejected':
        // A refusal stored under the key is final: charging again with the same key only replays it.
        this.logger.warn(
          { orderId, error: outcome.error },
          'the charge of an order was refused; the order fails',
        );
        return { kind: 'settled', verdict: 'declined', chargeId: null };
    }
  }

  private resultOfFailure(orderId: string, error: unknown): ChargeResult {
    if (BookshopErrors.paymentDeclined.is(error))
      return { kind: 'settled', verdict: 'declined', chargeId: null };
    if (error instanceof TaskCancelledError || BusErrors.outcomeUnknown.is(error)) {
      return { kind: 'unknown', reason: describe(error) };
    }
    // Anything else (a conflict under the key, a dead-lettered charge, a malformed reply) says nothing certain
    // about whether the provider charged: pending is the only safe answer, and the reconciler reads it back.
    this.logger.warn(
      { orderId, err: error },
      'the charge of an order ended unexpectedly; the order stays pending',
    );
    return { kind: 'unknown', reason: describe(error) };
  }
}

function describe(error: unknown): string {
  if (error instanceof TrellisError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
