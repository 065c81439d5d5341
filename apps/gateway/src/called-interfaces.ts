import { familyOf } from '@trellis/contracts';
import type { Contract } from '@trellis/contracts';

import { apiModules } from './api-modules';

/** Every interface the gateway calls or emits: its dependencies on the other node families. */
export const calledInterfaces: readonly Contract[] = apiModules.flatMap((api) => api.calledInterfaces);

/** One interface as operators see it in `GET /v1/cluster`. */
export interface InterfaceView {
  name: string;
  family: string;
  kind: Contract['kind'];
  policy: Contract['policy'];
  routing: Contract['routing']['kind'];
  timeoutMs: number;
  retry: Contract['retry'];
}

/** The operator's view of one contract (what the gateway relies on, not whether a node serves it). */
export function interfaceView(contract: Contract): InterfaceView {
  return {
    name: contract.name,
    family: familyOf(contract),
    kind: contract.kind,
    policy: contract.policy,
    routing: contract.routing.kind,
    timeoutMs: contract.timeoutMs,
    retry: contract.retry,
  };
}
