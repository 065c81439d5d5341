// The payments family's interfaces on the bus: decode, call the domain, encode.
import { Inject, Injectable } from '@nestjs/common';
import { HandlesCall } from '@trellis/bus-nest';
import type { HandlerContext } from '@trellis/bus-nest';
import { chargeOrder } from '@trellis/contracts';
import type { HandledRequestOf, HandlerReplyOf } from '@trellis/contracts';

import { ChargesRepository } from './charges.repository';
import { OrderCharging } from './order-charging';

/** Serves `payments.charge`. */
@Injectable()
export class PaymentsHandlers {
  constructor(@Inject(OrderCharging) private readonly charging: OrderCharging) {}

  /**
   * Exactly-once: the charge row is written through `context.db`, the inbox transaction, so it commits with the
   * call's idempotency key; a retryable provider failure rolls both back and the caller retries the same key.
   */
  @HandlesCall(chargeOrder)
  async charge(
    request: HandledRequestOf<typeof chargeOrder>,
    context: HandlerContext,
  ): Promise<HandlerReplyOf<typeof chargeOrder>> {
    const { idempotencyKey } = context;
    // The bus refuses exactly-once calls without a key before they get here; this only narrows the type.
    if (idempotencyKey === undefined) throw new Error('payments.charge arrived without an idempotency key');
    const result = await this.charging.charge(request, idempotencyKey, new ChargesRepository(context.db));
    context.logger.info(
      { orderId: request.orderId, chargeId: result.chargeId, status: result.status },
      'order charged',
    );
    return { chargeId: result.chargeId, status: result.status };
  }
}
