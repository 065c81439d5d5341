import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Contract, ErrorData, MessageContract, RequestOf } from '@trellis/contracts';
import { isDurable, toErrorData, TrellisError } from '@trellis/contracts';
import type { Logger } from 'pino';
import type { Caller } from './caller';
import type { BusConnection } from './connection';
import type { IncomingEnvelope, ReplyBody } from './envelope';
import { deadLetterHeaders, decodeMessage } from './envelope';
import { ConsumerOutbound } from './consumer-outbound';
import { BusErrors } from './errors';
import type { Inbox, InboxOutcome, InboxTransaction } from './exactly-once';
import { hashRequest } from './exactly-once';
import type { HandlerContext } from './handler-context';
import { handlerContext } from './handler-context';
import type { BusMetrics } from './metrics';
import type { Topology } from './topology';
import { declareQueue } from './topology';
import { withProcessSpan } from './tracing';

/** What every consumer shares with the bus. */
export interface ConsumerDeps {
  connection: BusConnection;
  topology: Topology;
  metrics: BusMetrics;
  caller: Caller;
  logger: Logger;
  nodeId: string;
  /** Emits a message at once (outside exactly-once transactions). */
  emitNow<C extends MessageContract>(contract: C, message: RequestOf<C>): Promise<void>;
}

/** A handler as the consumer sees it: the reply (calls) or undefined (messages). */
export type AnyHandler = (request: unknown, context: HandlerContext) => unknown;

/** One AMQP delivery (one call, or a pack of them): acknowledged once every call it carries is settled. */
interface Delivery {
  message: ConsumeMessage;
  queue: string;
  outbound: ConsumerOutbound;
  remaining: number;
  /** A settlement could not be made safe (a republish or dead-letter publish failed): requeue it whole. */
  requeue: boolean;
}

/** What settling one call needs to know; all a malformed one may offer. */
interface CallFacts {
  delivery: Delivery;
  replyTo: string | undefined;
  messageId: string | undefined;
  previousDeliveries: number;
  /** The call's envelope as parsed, to put it back in the queue or in the dead-letter queue on its own. */
  fields: unknown;
}

/** A valid call, ready for its handler. */
interface Call extends CallFacts {
  envelope: IncomingEnvelope;
  request: unknown;
}

/** What to do with a call once its handling is over. */
type Settlement =
  | { kind: 'reply'; body: ReplyBody; deduplicated?: boolean }
  | { kind: 'ack' }
  | { kind: 'redeliver'; error: unknown }
  | { kind: 'dead-letter'; reason: string; error: ErrorData };

/** Exactly-once: messages delivered together share one transaction; a few such batches may run at once. */
const maxBatchesInFlight = 2;

/**
 * The handling side of one interface on one node: declares its queues, consumes with the contract's prefetch
 * (back pressure), validates, runs the handler, replies, and acknowledges, redelivers or dead-letters per the
 * delivery policy.
 */
export class Consumer {
  private readonly consumers: { channel: Channel; tag: string }[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waitingForBatch: Call[] = [];
  /** At-least-once calls beyond the prefetch (a pack may carry more calls than may run at once). */
  private readonly waitingToRun: Call[] = [];
  private readonly outbounds: ConsumerOutbound[] = [];
  private batchesInFlight = 0;
  private batchScheduled = false;
  /** Handlers running now (at-most-once and at-least-once). */
  private handling = 0;
  private stopping = false;
  private readonly durable: boolean;
  private readonly queue: string;

  constructor(
    private readonly deps: ConsumerDeps,
    private readonly contract: Contract,
    private readonly handler: AnyHandler,
    private readonly inbox: Inbox | undefined,
    subscriberFamily?: string,
  ) {
    this.durable = isDurable(contract.policy);
    this.queue = deps.topology.queueOf(contract, subscriberFamily);
    if (contract.policy === 'exactly-once' && inbox === undefined) {
      throw new Error(`${contract.name} is exactly-once: the bus needs a Postgres pool (exactlyOnce option)`);
    }
  }

  /** The setup step: a channel with the contract's prefetch, the queues, and the consumers. */
  readonly setup = async (model: ChannelModel): Promise<void> => {
    if (this.stopping) return;
    const { topology, nodeId } = this.deps;
    const channel = await model.createChannel();
    channel.on('error', (error: Error) =>
      this.deps.logger.warn({ err: error, queue: this.queue }, 'consumer channel error'),
    );
    channel.on('close', () => {
      if (!this.stopping) this.deps.connection.restartAfterChannelFailure(model);
    });
    await channel.prefetch(this.contract.prefetch);
    const queues: [queue: string, routingKey: string][] = [
      [this.queue, topology.routingKeyOf(this.contract)],
    ];
    if (this.contract.routing.kind === 'by-key') {
      queues.push([
        topology.nodeQueueOf(this.contract, nodeId),
        topology.routingKeyOf(this.contract, nodeId),
      ]);
    }
    this.consumers.length = 0;
    const outbound = new ConsumerOutbound(channel, this.deps.logger);
    this.outbounds.length = 0;
    this.outbounds.push(outbound);
    for (const [queue, routingKey] of queues) {
      await declareQueue(channel, topology, this.contract, queue, routingKey);
      const { consumerTag } = await channel.consume(
        queue,
        (message) => this.onDelivery(outbound, queue, message),
        {
          noAck: !this.durable,
        },
      );
      this.consumers.push({ channel, tag: consumerTag });
    }
  };

  /** Graceful shutdown: stop taking messages, then let the handlers in flight finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.consumers.map(({ channel, tag }) => channel.cancel(tag).catch(() => undefined)));
    while (
      this.inFlight.size > 0 ||
      this.waitingForBatch.length > 0 ||
      this.batchesInFlight > 0 ||
      this.waitingToRun.length > 0
    ) {
      await Promise.allSettled([...this.inFlight]);
      if (this.inFlight.size === 0 && this.batchesInFlight === 0) this.flushBatches();
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const outbound of this.outbounds) outbound.flush();
    // Closing the channel flushes the replies and acknowledgements still buffered on it; closing the
    // connection straight away could overtake them and lose the last replies.
    await Promise.all(this.consumers.map(({ channel }) => channel.close().catch(() => undefined)));
  }

  private onDelivery(outbound: ConsumerOutbound, queue: string, message: ConsumeMessage | null): void {
    if (message === null) {
      this.deps.logger.warn({ queue }, 'consumer cancelled by the broker');
      return;
    }
    this.track(this.receive(outbound, queue, message));
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) =>
      this.deps.logger.error({ err: error }, 'delivery handling failed'),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async receive(outbound: ConsumerOutbound, queue: string, message: ConsumeMessage): Promise<void> {
    const { contract, deps } = this;
    if (message.fields.redelivered) deps.metrics.increment(contract.name, contract.policy, 'redelivered');
    const decoded = decodeMessage(message);
    const entries = decoded.ok ? decoded.entries : [];
    const delivery: Delivery = {
      message,
      queue,
      outbound,
      remaining: Math.max(entries.length, 1),
      requeue: false,
    };
    if (!decoded.ok) {
      const facts = {
        delivery,
        replyTo: decoded.replyTo,
        messageId: decoded.messageId,
        previousDeliveries: 0,
      };
      await this.rejectInvalid({ ...facts, fields: undefined }, decoded.problem);
      return;
    }
    const replyTo = message.properties.replyTo as string | undefined;
    await Promise.all(
      entries.map((entry) => {
        if (!entry.ok) {
          const facts = {
            delivery,
            replyTo,
            messageId: entry.messageId,
            previousDeliveries: 0,
            fields: entry.fields,
          };
          return this.rejectInvalid(facts, entry.problem);
        }
        const { envelope } = entry;
        const facts = {
          delivery,
          replyTo,
          messageId: envelope.messageId,
          previousDeliveries: envelope.previousDeliveries,
          fields: entry.fields,
        };
        const validated = this.validate(envelope, entry.payload);
        if (!validated.ok) return this.rejectInvalid(facts, validated.problem);
        if (envelope.deadline !== undefined && Date.now() > envelope.deadline) {
          // The caller stopped waiting (and may already have retried elsewhere): handling it now is wasted work.
          deps.metrics.increment(contract.name, contract.policy, 'expired');
          return this.settle(facts, { kind: 'ack' });
        }
        return this.dispatch({ ...facts, envelope, request: validated.request });
      }),
    );
  }

  /** Starts a valid call: in the next inbox batch, now, later (beyond the prefetch), or not at all (shed). */
  private async dispatch(call: Call): Promise<void> {
    const { contract, deps } = this;
    if (contract.policy === 'exactly-once') {
      this.waitingForBatch.push(call);
      this.scheduleBatch();
      return;
    }
    if (this.handling >= contract.prefetch) {
      if (this.durable) {
        this.waitingToRun.push(call);
        return;
      }
      // At-most-once is consumed without acknowledgements, so the broker's prefetch cannot bound it: shed the
      // excess at once (back pressure) rather than queueing unbounded work in memory. It may lose; that is its
      // promise.
      deps.metrics.increment(contract.name, contract.policy, 'shed');
      const error = BusErrors.overloaded.create(
        `${deps.nodeId} is handling ${this.handling} ${contract.name} already`,
      );
      await this.settle(call, { kind: 'reply', body: { ok: false, error: error.toData() } });
      return;
    }
    this.handling += 1;
    const settlement = await this.runHandler(call).finally(() => {
      this.handling -= 1;
      const next = this.waitingToRun.shift();
      if (next !== undefined) this.track(this.dispatch(next));
    });
    await this.settle(call, settlement);
  }

  private rejectInvalid(facts: CallFacts, problem: string): Promise<void> {
    const error = BusErrors.invalidMessage.create(problem).toData();
    return this.settle(facts, { kind: 'dead-letter', reason: 'invalid', error });
  }

  /** Checks the envelope names this contract and the payload matches its request schema. */
  private validate(
    envelope: IncomingEnvelope,
    payload: unknown,
  ): { ok: true; request: unknown } | { ok: false; problem: string } {
    const { contract } = this;
    if (envelope.contract !== contract.name || envelope.version !== contract.version) {
      return {
        ok: false,
        problem: `expected ${contract.name} v${contract.version}, got ${envelope.contract} v${envelope.version}`,
      };
    }
    const parsed = contract.request.safeParse(payload);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
      );
      return { ok: false, problem: `payload does not match the contract: ${issues.join('; ')}` };
    }
    return { ok: true, request: parsed.data };
  }

  private contextFor(call: Call, transaction: InboxTransaction | undefined): HandlerContext {
    const { envelope } = call;
    const emit: HandlerContext['emit'] =
      transaction === undefined
        ? (contract, message) => this.deps.emitNow(contract, message)
        : async (contract, message) => {
            const parsed = contract.request.safeParse(message);
            if (!parsed.success) {
              throw BusErrors.invalidMessage.create(
                `message for ${contract.name} is invalid`,
                parsed.error.issues,
              );
            }
            await transaction.emit({
              contract: contract.name,
              version: contract.version,
              payload: parsed.data,
              headers: envelope.trace,
            });
          };
    return handlerContext(envelope, this.deps.logger, emit, transaction?.client);
  }

  private async runHandler(call: Call): Promise<Settlement> {
    const { contract, deps } = this;
    try {
      const reply = await withProcessSpan(contract, call.envelope.trace, () =>
        Promise.resolve(this.handler(call.request, this.contextFor(call, undefined))),
      );
      deps.metrics.increment(contract.name, contract.policy, 'handled');
      return contract.kind === 'call' ? { kind: 'reply', body: { ok: true, reply } } : { kind: 'ack' };
    } catch (error) {
      return this.settlementForError(error);
    }
  }

  /** Catalogued errors are answers; anything else is a failed delivery that the broker should retry. */
  private settlementForError(error: unknown): Settlement {
    if (!(error instanceof TrellisError)) return { kind: 'redeliver', error };
    if (this.contract.kind === 'call') return { kind: 'reply', body: { ok: false, error: error.toData() } };
    return error.retryable
      ? { kind: 'redeliver', error }
      : { kind: 'dead-letter', reason: 'rejected', error: error.toData() };
  }

  private scheduleBatch(): void {
    if (this.batchScheduled) return;
    this.batchScheduled = true;
    // Wait one turn so that every message that arrived together joins the same transaction.
    setImmediate(() => {
      this.batchScheduled = false;
      this.flushBatches();
    });
  }

  private flushBatches(): void {
    while (this.batchesInFlight < maxBatchesInFlight && this.waitingForBatch.length > 0) {
      const batch = this.waitingForBatch.splice(0, this.contract.prefetch);
      this.batchesInFlight += 1;
      this.track(
        this.runBatch(batch).finally(() => {
          this.batchesInFlight -= 1;
          if (this.waitingForBatch.length > 0) this.scheduleBatch();
        }),
      );
    }
  }

  private async runBatch(batch: Call[]): Promise<void> {
    const { contract, deps } = this;
    const inbox = this.inbox;
    if (inbox === undefined) return;
    let outcomes: InboxOutcome<unknown>[];
    try {
      outcomes = await inbox.processBatch(
        batch.map((call) => ({
          idempotencyKey: call.envelope.idempotencyKey ?? call.envelope.correlationId,
          requestHash: hashRequest(call.request),
          handle: (transaction: InboxTransaction) =>
            withProcessSpan(contract, call.envelope.trace, () =>
              Promise.resolve(this.handler(call.request, this.contextFor(call, transaction))),
            ),
        })),
      );
    } catch (error) {
      outcomes = batch.map(() => ({ kind: 'failed', error }));
    }
    await Promise.all(
      batch.map((call, index) => {
        const outcome = outcomes[index] ?? { kind: 'failed', error: new Error('no outcome') };
        if (outcome.kind === 'replied' && !outcome.replayed) {
          deps.metrics.increment(contract.name, contract.policy, 'handled');
        }
        return this.settle(call, this.settlementFor(outcome));
      }),
    );
  }

  private settlementFor(outcome: InboxOutcome<unknown>): Settlement {
    const isCall = this.contract.kind === 'call';
    switch (outcome.kind) {
      case 'replied':
        return isCall
          ? { kind: 'reply', body: { ok: true, reply: outcome.reply }, deduplicated: outcome.replayed }
          : { kind: 'ack' };
      case 'rejected':
        return isCall
          ? { kind: 'reply', body: { ok: false, error: outcome.error }, deduplicated: outcome.replayed }
          : { kind: 'dead-letter', reason: 'rejected', error: outcome.error };
      case 'conflict': {
        const error = BusErrors.idempotencyConflict
          .create('this idempotency key was used with a different request')
          .toData();
        return isCall
          ? { kind: 'reply', body: { ok: false, error } }
          : { kind: 'dead-letter', reason: 'conflict', error };
      }
      case 'in-progress':
        return isCall
          ? {
              kind: 'reply',
              body: {
                ok: false,
                error: BusErrors.inProgress.create('an earlier attempt is still running').toData(),
              },
            }
          : { kind: 'redeliver', error: new Error('an earlier delivery is still running') };
      case 'failed':
        return this.settlementForError(outcome.error);
    }
  }

  /**
   * Replies to, acknowledges, redelivers or dead-letters one call, and acknowledges its delivery once every
   * call of it is settled. Never throws.
   */
  private async settle(call: CallFacts, settlement: Settlement): Promise<void> {
    const { contract, deps } = this;
    const { delivery } = call;
    try {
      if (settlement.kind === 'redeliver') {
        // At-most-once cannot redeliver (it was acknowledged on receipt). Durable policies put the failed call
        // back in its queue on its own (its pack's other calls are done), counting deliveries in its envelope,
        // until the contract's limit; then it is dead-lettered with the reason.
        const exhausted = call.previousDeliveries + 1 >= contract.maxDeliveries;
        if (this.durable && !exhausted && typeof call.fields === 'object' && call.fields !== null) {
          deps.metrics.increment(contract.name, contract.policy, 'failed');
          deps.logger.warn(
            { err: settlement.error, interface: contract.name },
            'handler failed; the call will be delivered again',
          );
          const again = { ...call.fields, deliveries: call.previousDeliveries + 1 };
          await deps.caller.republish(delivery.queue, JSON.stringify(again), call.replyTo);
          return;
        }
        settlement = { kind: 'dead-letter', reason: 'handler-failed', error: toErrorData(settlement.error) };
      }
      if (settlement.kind === 'dead-letter') {
        const content =
          call.fields === undefined ? delivery.message.content : Buffer.from(JSON.stringify(call.fields));
        const detail = `${settlement.error.code}: ${settlement.error.message}`;
        const options = deadLetterHeaders(delivery.message, settlement.reason, detail);
        await deps.caller.publishDeadLetter(delivery.queue, content, options);
        deps.metrics.increment(contract.name, contract.policy, 'deadLettered');
        deps.logger.warn(
          { interface: contract.name, reason: settlement.reason, error: settlement.error },
          'message dead-lettered',
        );
        const error =
          settlement.reason === 'invalid'
            ? settlement.error
            : BusErrors.deadLettered.create(settlement.error.message).toData();
        this.reply(call, { ok: false, error });
      } else if (settlement.kind === 'reply') {
        if (settlement.deduplicated === true)
          deps.metrics.increment(contract.name, contract.policy, 'deduplicated');
        this.reply(call, settlement.body);
      }
    } catch (error) {
      // Republishing or dead-lettering failed: requeue the whole delivery rather than lose this call.
      delivery.requeue = true;
      deps.logger.warn(
        { err: error, interface: contract.name },
        'could not settle a call; its delivery will be requeued',
      );
    } finally {
      delivery.remaining -= 1;
      if (delivery.remaining === 0 && this.durable)
        delivery.outbound.settle(delivery.message, !delivery.requeue);
    }
  }

  private reply(call: CallFacts, body: ReplyBody): void {
    if (call.replyTo === undefined || call.messageId === undefined) return;
    call.delivery.outbound.reply(call.replyTo, {
      correlationId: call.messageId,
      contract: this.contract.name,
      ...body,
    });
    this.deps.metrics.increment(this.contract.name, this.contract.policy, 'replied');
  }
}
