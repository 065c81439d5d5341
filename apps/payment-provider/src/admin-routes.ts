// Test controls of the simulator, outside the load limit so a test can always reach them. A real provider
// has none of these; clients under test must never call them.
import type { FastifyInstance } from 'fastify';

import type { ChargeService } from './charge-service';
import type { ConcurrencyLimit } from './concurrency-limit';
import { decode } from './decode';
import type { Faults } from './faults';
import { faultSettingsSchema } from './schemas';

/** Counters of `GET /v1/_stats`. */
export interface ProviderStats {
  readonly inFlight: number;
  readonly peakInFlight: number;
  readonly maxInFlight: number;
  readonly rejected: number;
  readonly charges: number;
}

/**
 * Registers the fault switches (`GET`/`PUT`/`DELETE /v1/_faults`), the ledger reset (`DELETE
 * /v1/charges`, which also forgets idempotency keys) and `GET /v1/_stats`.
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  charges: ChargeService,
  faults: Faults,
  limit: ConcurrencyLimit,
): void {
  app.get('/v1/_faults', () => faults.settings);

  app.put('/v1/_faults', (request) => {
    const settings = faults.set(decode(faultSettingsSchema, request.body ?? {}, 'fault settings'));
    request.log.info({ faults: settings }, 'faults set');
    return settings;
  });

  app.delete('/v1/_faults', (request) => {
    request.log.info('faults reset');
    return faults.reset();
  });

  app.delete('/v1/charges', async (_request, reply) => {
    charges.clear();
    return reply.code(204).send();
  });

  app.get('/v1/_stats', (): ProviderStats => ({
    inFlight: limit.inFlight,
    peakInFlight: limit.peak,
    maxInFlight: limit.limit,
    rejected: limit.rejected,
    charges: charges.list().length,
  }));
}
