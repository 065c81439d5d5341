// Making charges: idempotency, the injected faults and the ledger, with no HTTP in sight.
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

import type { ChargeLedger } from './charge-ledger';
import { ProviderError } from './errors';
import type { Faults } from './faults';
import type { IdempotencyStore } from './idempotency-store';
import type { Charge, ChargeRequest } from './schemas';

/** The answer stored against an idempotency key and replayed for it. */
export interface StoredChargeResponse {
  readonly statusCode: number;
  readonly body: Charge;
}

/** What {@link ChargeService.create} decided for one request. */
export interface ChargeOutcome extends StoredChargeResponse {
  /** True when the answer is the stored one of an earlier request with the same key. */
  readonly replayed: boolean;
  /** True when the charge was made but its reply must never reach the client (an injected fault). */
  readonly dropReply: boolean;
}

/** What a {@link ChargeService} works with. */
export interface ChargeServiceDependencies {
  readonly ledger: ChargeLedger;
  readonly keys: IdempotencyStore<StoredChargeResponse>;
  readonly faults: Faults;
  /** The clock for `createdAt`. */
  readonly now: () => Date;
}

/**
 * The same parameters in any key order give the same fingerprint: the request is rebuilt field by field
 * from the validated one before hashing.
 */
function fingerprintOf(request: ChargeRequest): string {
  const canonical = JSON.stringify([request.amountCents, request.currency, request.reference]);
  return createHash('sha256').update(canonical).digest('hex');
}

function newChargeId(): string {
  return `ch_${randomBytes(12).toString('hex')}`;
}

/** Makes, lists and forgets charges. */
export class ChargeService {
  readonly #deps: ChargeServiceDependencies;

  constructor(deps: ChargeServiceDependencies) {
    this.#deps = deps;
  }

  /**
   * Charges once per idempotency key. A new key is claimed, held for the injected latency, possibly
   * failed (503, key released, nothing charged), then the charge is recorded and its answer stored. The
   * same key with the same parameters replays that answer; while the first request runs it is refused
   * with `idempotency_key_in_use` (409); with other parameters, `idempotency_key_reused` (422).
   */
  async create(idempotencyKey: string, request: ChargeRequest): Promise<ChargeOutcome> {
    const { keys, faults, ledger, now } = this.#deps;
    const claim = keys.claim(idempotencyKey, fingerprintOf(request));
    switch (claim.kind) {
      case 'replay':
        return { ...claim.response, replayed: true, dropReply: false };
      case 'in-flight':
        throw new ProviderError(
          'idempotency_key_in_use',
          `Another request with idempotency key '${idempotencyKey}' is still being processed; retry once it has finished.`,
        );
      case 'mismatch':
        throw new ProviderError(
          'idempotency_key_reused',
          `Idempotency key '${idempotencyKey}' was already used with different parameters; a key may only be reused with the parameters it was first used with.`,
        );
      case 'claimed':
        break;
    }

    try {
      const { latencyMs } = faults.settings;
      if (latencyMs > 0) await delay(latencyMs);
      if (faults.shouldFail()) {
        throw new ProviderError(
          'provider_unavailable',
          'The payment provider is unavailable; nothing was charged.',
        );
      }
    } catch (error) {
      keys.release(idempotencyKey);
      throw error;
    }

    const charge: Charge = {
      id: newChargeId(),
      amountCents: request.amountCents,
      currency: request.currency,
      reference: request.reference,
      status: 'succeeded',
      createdAt: now().toISOString(),
    };
    ledger.record(charge);
    const response: StoredChargeResponse = { statusCode: 201, body: charge };
    keys.complete(idempotencyKey, response);
    return { ...response, replayed: false, dropReply: faults.takeDroppedReply() };
  }

  /** The charge with `id`; throws `charge_not_found` when there is none. */
  get(id: string): Charge {
    const charge = this.#deps.ledger.get(id);
    if (charge === undefined) throw new ProviderError('charge_not_found', `No such charge: '${id}'.`);
    return charge;
  }

  /** Every charge made, oldest first. */
  list(): Charge[] {
    return this.#deps.ledger.list();
  }

  /** Forgets every charge and every idempotency key, so a test starts from an empty ledger. */
  clear(): void {
    this.#deps.ledger.clear();
    this.#deps.keys.clear();
  }
}
