import { BookshopErrors } from '@trellis/contracts';
import { describe, expect, it } from 'vitest';
import type { Order } from './order';
import { draftOrder, needsCharge, settleFreeOrder, settleOrder, statusAfterCharge } from './order';

const draft = {
  orderId: '0b5c4a3e-1111-5222-8333-444455556666',
  userId: 'ada',
  sessionId: '9d7b4f1c-2d3e-4f50-8a6b-7c8d9e0f1a2b',
  createdAt: '2025-01-01T00:00:00.000Z',
  items: [
    { bookId: 'dune', quantity: 2, unitPriceCents: 1250 },
    { bookId: 'emma', quantity: 1, unitPriceCents: 799 },
  ],
};

describe('draftOrder', () => {
  it('totals the priced lines and starts pending without a charge', () => {
    const order = draftOrder(draft);
    expect(order).toMatchObject({ status: 'pending', totalCents: 2 * 1250 + 799, chargeId: null });
    expect(order.items).toEqual(draft.items);
  });

  it('refuses an order without lines with orders.empty_cart, not retryable', () => {
    let thrown: unknown;
    try {
      draftOrder({ ...draft, items: [] });
    } catch (error) {
      thrown = error;
    }
    expect(BookshopErrors.emptyCart.is(thrown)).toBe(true);
    expect(BookshopErrors.emptyCart.retryable).toBe(false);
  });
});

describe('settling an order', () => {
  const pending = draftOrder(draft);

  it('maps a succeeded charge to paid and a declined one to failed', () => {
    expect(statusAfterCharge('succeeded')).toBe('paid');
    expect(statusAfterCharge('declined')).toBe('failed');
    expect(settleOrder(pending, 'succeeded', 'ch_1')).toMatchObject({ status: 'paid', chargeId: 'ch_1' });
    expect(settleOrder(pending, 'declined', 'ch_2')).toMatchObject({ status: 'failed', chargeId: 'ch_2' });
  });

  it('never moves a settled order again', () => {
    const paid = settleOrder(pending, 'succeeded', 'ch_1');
    const failed = settleOrder(pending, 'declined', null);
    for (const settled of [paid, failed]) {
      expect(() => settleOrder(settled, 'succeeded', 'ch_3')).toThrow(/only a pending order/);
      expect(() => settleOrder(settled, 'declined', 'ch_3')).toThrow(/only a pending order/);
    }
  });

  it('pays a free order without a charge, and refuses to do so for one with something to charge', () => {
    const free: Order = draftOrder({ ...draft, items: [{ bookId: 'gift', quantity: 1, unitPriceCents: 0 }] });
    expect(needsCharge(free)).toBe(false);
    expect(settleFreeOrder(free)).toMatchObject({ status: 'paid', chargeId: null, totalCents: 0 });
    expect(needsCharge(pending)).toBe(true);
    expect(() => settleFreeOrder(pending)).toThrow(/to charge/);
  });
});
