// Which bus queues belong to a node family: the ones KEDA scales it on, and the ones its broker user may touch.
// Queue names come from the bus's own naming (`topologyFor`), never spelled here.
import * as contracts from '@trellis/contracts';
import type { Contract } from '@trellis/contracts';
import { familyOf } from '@trellis/contracts';
import { topologyFor } from '@trellis/bus';

import type { NodeFamily } from './node-family';

/** Interface families a node family serves besides the one of its own name: the cart nodes hold the sessions. */
const ALSO_SERVES: Readonly<Record<string, readonly string[]>> = { cart: ['sessions'] };

/** The interface families (`cart` of `cart.get`) whose contracts `family` handles. */
export function interfaceFamiliesServedBy(family: string): string[] {
  return [family, ...(ALSO_SERVES[family] ?? [])];
}

function isContract(candidate: unknown): candidate is Contract {
  if (typeof candidate !== 'object' || candidate === null) return false;
  const { kind, name } = candidate as { kind?: unknown; name?: unknown };
  return (kind === 'call' || kind === 'message') && typeof name === 'string';
}

/** Every contract of the platform, from @trellis/contracts' exports. */
function allContracts(): Contract[] {
  const exported: unknown[] = Object.values(contracts);
  return exported.filter(isContract);
}

/** The contracts a family handles. */
export function contractsServedBy(family: string): Contract[] {
  const served = interfaceFamiliesServedBy(family);
  return allContracts().filter((contract) => served.includes(familyOf(contract)));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The shared queues of the interfaces a family handles (e.g. `trellis.orders.place`). */
export function workQueuesOf(family: string, busPrefix: string): string[] {
  const topology = topologyFor(busPrefix);
  return contractsServedBy(family).map((contract) => topology.queueOf(contract));
}

/**
 * A regular expression of the queues whose depth is the family's backlog: the shared queue of every interface
 * it handles, and the per-node queues (`<queue>@<node id>`) that keyed calls go to; not the dead-letter queues.
 */
export function workQueuePattern(family: string, busPrefix: string): string {
  const queues = workQueuesOf(family, busPrefix).map(escapeRegex);
  return `^(?:${queues.join('|')})(?:@[^.]+)?$`;
}

/** The largest prefetch of the family's interfaces: how many messages one node works on at once. */
export function prefetchOf(family: string): number {
  return Math.max(1, ...contractsServedBy(family).map((contract) => contract.prefetch));
}

/** RabbitMQ permissions: regular expressions over the exchange and queue names a user may configure, write, read. */
export interface BrokerPermissions {
  readonly configure: string;
  readonly write: string;
  readonly read: string;
}

/**
 * The least a family's broker user needs: declare, bind and consume its own queues (those of the interfaces it
 * serves, with their per-node and dead-letter queues; the data bus's queues for families with datasets; the
 * front end's heartbeat listeners), declare the two exchanges and publish to them (calls, events, dead letters),
 * and publish replies through the default exchange. Callers need nothing on other families' queues: they
 * publish to the exchange, and the readiness check's passive declare needs no permission.
 */
export function brokerPermissionsOf(family: NodeFamily, busPrefix: string): BrokerPermissions {
  const prefix = escapeRegex(busPrefix);
  const owned = [...new Set(contractsServedBy(family.name).map(familyOf))];
  if (family.uses.datasets) owned.push('data');
  const queues = owned.map((name) => `${prefix}\\.${escapeRegex(name)}\\..+`);
  // The gateway listens to every node's heartbeat on a queue of its own: `<prefix>.cluster.heartbeat.gateway-<id>`.
  if (family.type === 'front-end')
    queues.push(`${prefix}\\.cluster\\.heartbeat\\.${escapeRegex(family.name)}-.+`);
  const exchanges = `${prefix}\\.(?:bus|dead-letter)`;
  const resources = [exchanges, ...queues].join('|');
  return {
    configure: `^(?:${resources})$`,
    write: `^(?:amq\\.default|${resources})$`,
    read: `^(?:${resources})$`,
  };
}
