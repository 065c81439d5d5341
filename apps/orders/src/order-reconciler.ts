// Settles the orders whose charge outcome was unknown when they were placed, and sends the confirmations of
// the orders it found paid.
import { setTimeout as sleep } from 'node:timers/promises';
import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Bus } from '@trellis/bus';
import { orderConfirmed } from '@trellis/contracts';
import type { Database } from '@trellis/database';
import type { Logger } from 'pino';
import type { ChargeClient } from './charge-client';
import { confirmationOf } from './checkout';
import type { Order } from './order';
import { statusAfterCharge } from './order';
import type { OrderRepository } from './order.repository';

/** What one pass did, for logs and tests. */
export interface ReconcilePass {
  settled: number;
  stillPending: number;
  confirmed: number;
}

/**
 * A periodic task: every interval it takes up to `batch` pending orders, reads their charge's outcome back by
 * key and, when payments has none, charges again under the same key (safe: the charge is exactly-once), then
 * settles them. Paid orders it settled get their orderConfirmed event with `bus.emit` after the commit, not an
 * outbox (the outbox is open only to handlers): the row remembers whether the event went out, so a crash in
 * between sends it again — at-least-once, which notifications deduplicates by order id. Passes never overlap,
 * and stopping waits for the pass in progress, so the bus is still open for it.
 */
export class OrderReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly database: Database,
    private readonly charges: ChargeClient,
    private readonly orders: OrderRepository,
    private readonly options: { intervalMs: number; batch: number; logger: Logger },
  ) {}

  /** Starts the periodic passes once the node's handlers are being served. */
  onApplicationBootstrap(): void {
    this.running ??= this.loop();
  }

  /** Stops the passes and waits for the one in progress (before the bus closes). */
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** One pass: settle what can be settled, then send the confirmations still owed. */
  async reconcileOnce(): Promise<ReconcilePass> {
    const { batch } = this.options;
    const pending = await this.orders.pending(this.database, batch);
    const outcomes = await Promise.all(pending.map((order) => this.settle(order)));
    const settled = outcomes.filter(Boolean).length;
    const unconfirmed = await this.orders.unconfirmed(this.database, batch);
    let confirmed = 0;
    for (const order of unconfirmed) {
      await this.bus.emit(orderConfirmed, confirmationOf(order));
      await this.orders.markConfirmationSent(this.database, order.orderId);
      confirmed += 1;
    }
    return { settled, stillPending: pending.length - settled, confirmed };
  }

  private async settle(order: Order): Promise<boolean> {
    let result = await this.charges.readOutcome(order.orderId);
    // No stored outcome: the charge never committed at payments (or its key expired), so asking again under
    // the same key either finds the charge in progress or makes it, never a second one.
    if (result.kind === 'unknown') result = await this.charges.charge(order);
    if (result.kind === 'unknown') {
      await this.orders.touch(this.database, order.orderId);
      return false;
    }
    const status = statusAfterCharge(result.verdict);
    const updated = await this.orders.settle(this.database, order.orderId, status, result.chargeId);
    if (updated) this.options.logger.info({ orderId: order.orderId, status }, 'pending order settled');
    return true;
  }

  private async loop(): Promise<void> {
    const { intervalMs, logger } = this.options;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        const pass = await this.reconcileOnce();
        if (pass.settled + pass.stillPending + pass.confirmed > 0) logger.debug(pass, 'reconciler pass');
      } catch (error) {
        // A pass fails when the database or the broker is away; the next one tries again.
        logger.warn({ err: error }, 'reconciler pass failed');
      }
      await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
