import type { Channel, Options } from 'amqplib';
import type { Contract } from '@trellis/contracts';
import { familyOf, isDurable } from '@trellis/contracts';

/**
 * Every exchange and queue name is derived here from the prefix and the contract, never spelled elsewhere.
 * One direct exchange carries all traffic (the routing key is the interface name, or `name@node` when routed
 * by key); each queue has a dead-letter queue beside it.
 */
export interface Topology {
  readonly exchange: string;
  readonly deadLetterExchange: string;
  /** The shared queue of an interface: competing consumers of the handling family. */
  queueOf(contract: Contract, subscriberFamily?: string): string;
  /** The queue of one node for interfaces routed by key. */
  nodeQueueOf(contract: Contract, nodeId: string): string;
  routingKeyOf(contract: Pick<Contract, 'name'>, nodeId?: string): string;
  deadLetterQueueOf(queue: string): string;
}

/** Builds the naming scheme for a prefix (e.g. `trellis`); a fork renames its bus by changing the prefix. */
export function topologyFor(prefix: string): Topology {
  if (!/^[a-z][a-z0-9-]*$/.test(prefix))
    throw new Error(`bus prefix "${prefix}" must be lower-case kebab-case`);
  return {
    exchange: `${prefix}.bus`,
    deadLetterExchange: `${prefix}.dead-letter`,
    queueOf: (contract, subscriberFamily) =>
      contract.kind === 'message'
        ? `${prefix}.${contract.name}.${subscriberFamily ?? familyOf(contract)}`
        : `${prefix}.${contract.name}`,
    nodeQueueOf: (contract, nodeId) => `${prefix}.${contract.name}@${nodeId}`,
    routingKeyOf: (contract, nodeId) => (nodeId === undefined ? contract.name : `${contract.name}@${nodeId}`),
    deadLetterQueueOf: (queue) => `${queue}.dead-letter`,
  };
}

/** Declares the two exchanges; idempotent, run after every (re)connect. */
export async function declareExchanges(channel: Channel, topology: Topology): Promise<void> {
  await channel.assertExchange(topology.exchange, 'direct', { durable: true });
  await channel.assertExchange(topology.deadLetterExchange, 'direct', { durable: true });
}

/** How long an at-most-once queue lives without consumers. */
const unusedQueueExpiryMs = 30 * 60 * 1000;

function queueOptions(contract: Contract, topology: Topology, queue: string): Options.AssertQueue {
  const deadLetter = {
    'x-dead-letter-exchange': topology.deadLetterExchange,
    'x-dead-letter-routing-key': queue,
  };
  if (!isDurable(contract.policy)) {
    // At-most-once: transient messages in a classic queue that a broker restart may drop, and that the broker
    // deletes once no node has consumed it for a while (a subscriber queue of a node that is gone for good
    // must not pile up messages nobody reads; losing them is within the policy).
    return { durable: false, arguments: { ...deadLetter, 'x-expires': unusedQueueExpiryMs } };
  }
  return {
    durable: true,
    arguments: {
      ...deadLetter,
      'x-queue-type': 'quorum',
      // The broker's own bound on redeliveries catches poison that kills its handler before it can
      // dead-letter the message itself; the consumer dead-letters one delivery earlier, with a reason.
      'x-delivery-limit': contract.maxDeliveries,
    },
  };
}

/** Declares a contract's queue, its dead-letter queue and the binding that routes to it. */
export async function declareQueue(
  channel: Channel,
  topology: Topology,
  contract: Contract,
  queue: string,
  routingKey: string,
): Promise<void> {
  const deadLetterQueue = topology.deadLetterQueueOf(queue);
  await channel.assertQueue(
    deadLetterQueue,
    isDurable(contract.policy)
      ? { durable: true, arguments: { 'x-queue-type': 'quorum' } }
      : { durable: false, arguments: { 'x-expires': unusedQueueExpiryMs } },
  );
  await channel.bindQueue(deadLetterQueue, topology.deadLetterExchange, queue);
  await channel.assertQueue(queue, queueOptions(contract, topology, queue));
  await channel.bindQueue(queue, topology.exchange, routingKey);
}
