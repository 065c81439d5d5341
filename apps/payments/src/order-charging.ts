// Charging an order: ask the provider under the call's idempotency key, then record what it answered.
import type { PaymentProviderClient } from './payment-provider.client';
import type { ChargesRepository } from './charges.repository';

/** An order's charge as the payments family is asked for it. */
export interface OrderChargeRequest {
  readonly orderId: string;
  readonly amountCents: number;
  readonly currency: string;
}

/** What the charge came to: the provider's charge id (empty for a decline without one) and its status. */
export interface OrderChargeResult {
  readonly chargeId: string;
  readonly status: 'succeeded' | 'declined';
}

/**
 * Charges orders through the provider. Retry-safe by construction: the idempotency key goes to the provider
 * unchanged, so whichever attempt (on whichever node) reaches it, the provider charges at most once, and an
 * attempt whose reply was lost is answered with the stored charge on the next try.
 */
export class OrderCharging {
  constructor(private readonly provider: Pick<PaymentProviderClient, 'charge'>) {}

  /**
   * Charges `request` under `idempotencyKey` and records the result in `charges`. A decline is a result,
   * recorded and returned; a provider that cannot answer now throws `payments.provider_unavailable`
   * (retryable) and nothing is recorded.
   */
  async charge(
    request: OrderChargeRequest,
    idempotencyKey: string,
    charges: Pick<ChargesRepository, 'record'>,
  ): Promise<OrderChargeResult> {
    const result = await this.provider.charge({
      idempotencyKey,
      amountCents: request.amountCents,
      currency: request.currency,
      // Bound to the key by the provider: a retry must send exactly this again, so it depends on the order only.
      reference: `order ${request.orderId}`,
    });
    await charges.record({
      idempotencyKey,
      orderId: request.orderId,
      providerChargeId: result.chargeId,
      amountCents: request.amountCents,
      currency: request.currency,
      status: result.status,
    });
    return { chargeId: result.chargeId ?? '', status: result.status };
  }
}
