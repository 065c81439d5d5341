// The payments family's `charges` table.

/**
 * Runs one parameterised statement. The Postgres client of the bus's inbox transaction (`context.db`) is one,
 * so a charge is written in the transaction that records the call's idempotency key.
 */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** A charge as the payments family records it. */
export interface RecordedCharge {
  /** The call's idempotency key, which the provider also saw as its Idempotency-Key. */
  readonly idempotencyKey: string;
  readonly orderId: string;
  /** The provider's id of the charge; a declined charge may have none. */
  readonly providerChargeId: string | undefined;
  readonly amountCents: number;
  readonly currency: string;
  readonly status: 'succeeded' | 'declined';
}

/** Writes charges through the client it was given (normally the inbox transaction's). */
export class ChargesRepository {
  constructor(private readonly client: SqlClient) {}

  /**
   * Inserts the charge. The idempotency key is the primary key: a second row for one key would mean the bus
   * ran an effect twice, which must fail the transaction rather than be papered over.
   */
  async record(charge: RecordedCharge): Promise<void> {
    await this.client.query(
      `INSERT INTO charges (idempotency_key, order_id, provider_charge_id, amount_cents, currency, status)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        charge.idempotencyKey,
        charge.orderId,
        charge.providerChargeId ?? null,
        charge.amountCents,
        charge.currency,
        charge.status,
      ],
    );
  }
}
