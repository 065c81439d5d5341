import { randomUUID } from 'node:crypto';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { RetryPolicy } from 'cockatiel';
import { handleWhen, retry } from 'cockatiel';
import type { CallContract, Contract, MessageContract, ReplyOf, RequestOf } from '@trellis/contracts';
import { isDurable, TrellisError } from '@trellis/contracts';
import type { Logger } from 'pino';
import type { BusConnection } from './connection';
import type { OutgoingEnvelope, ReplyBody } from './envelope';
import { decodeReplies, encodeMessage, envelopeContentType, packBody } from './envelope';
import { BusErrors } from './errors';
import type { KeyRouter } from './key-router';
import type { BusMetrics } from './metrics';
import type { Pack } from './outgoing-packs';
import { OutgoingPacks } from './outgoing-packs';
import { retryScheduleOf } from './retry-schedule';
import type { Topology } from './topology';
import { endSpan, startSendSpan } from './tracing';

const directReplyTo = 'amq.rabbitmq.reply-to';

/** Emitted messages packed at most per AMQP message (calls are bounded by their contract's prefetch). */
const maxMessagesPerPack = 64;

/** Per-call options. */
export interface CallOptions {
  /** Exactly-once: the key that makes every attempt the same request (generated when absent). */
  idempotencyKey?: string;
  /**
   * How long each attempt waits for a broker connection that is down before it fails with `bus.unavailable`.
   * Default: 0 for at-most-once (fail fast), the contract's timeout for durable policies (so a retried call
   * rides out a broker restart within its attempts).
   */
  connectWaitMs?: number;
}

interface PendingReply {
  resolve(body: ReplyBody): void;
  reject(error: TrellisError): void;
  channel: Channel;
}

interface PendingConfirm {
  returned: boolean;
}

/**
 * The calling side of the bus: publishes requests with the contract's policy, correlates replies arriving on
 * direct reply-to, times every attempt out, and retries retryable failures with exponential backoff and jitter.
 */
export class Caller {
  private transient: Channel | undefined;
  private confirm: ConfirmChannel | undefined;
  private readonly pendingReplies = new Map<string, PendingReply>();
  private readonly pendingConfirms = new Map<string, PendingConfirm>();
  private readonly retryPolicies = new WeakMap<Contract, RetryPolicy>();
  private readonly packs = new OutgoingPacks((pack) => this.sendPack(pack));
  private readonly confirmChannels = new WeakSet<Channel>();

  constructor(
    private readonly connection: BusConnection,
    private readonly topology: Topology,
    private readonly metrics: BusMetrics,
    private readonly keyRouter: KeyRouter,
    private readonly logger: Logger,
  ) {}

  /** The setup step: two channels (plain for at-most-once, confirm for durable policies), each with its reply consumer. */
  readonly setup = async (model: ChannelModel): Promise<void> => {
    const transient = await model.createChannel();
    const confirm = await model.createConfirmChannel();
    this.confirmChannels.add(confirm);
    for (const channel of [transient, confirm]) {
      channel.on('return', (message: ConsumeMessage) => this.onReturn(message));
      channel.on('close', () => this.onChannelClosed(model, channel));
      channel.on('error', (error: Error) => this.logger.warn({ err: error }, 'caller channel error'));
      await channel.consume(directReplyTo, (message) => this.onReply(message), { noAck: true });
    }
    this.transient = transient;
    this.confirm = confirm;
  };

  /** Sends a request and waits for its reply, retrying per the contract's policy. */
  async call<C extends CallContract>(
    contract: C,
    request: RequestOf<C>,
    options: CallOptions = {},
  ): Promise<ReplyOf<C>> {
    const parsed = contract.request.safeParse(request);
    if (!parsed.success) {
      throw BusErrors.invalidMessage.create(`request for ${contract.name} is invalid`, parsed.error.issues);
    }
    const payload = JSON.stringify(parsed.data);
    const key = contract.routing.kind === 'by-key' ? contract.routing.keyOf(parsed.data) : undefined;
    const idempotencyKey =
      contract.policy === 'exactly-once' ? (options.idempotencyKey ?? randomUUID()) : undefined;
    const correlationId = randomUUID();
    const connectWaitMs = options.connectWaitMs ?? (isDurable(contract.policy) ? contract.timeoutMs : 0);
    try {
      const attemptOnce = async (attempt: number) => {
        if (!this.connection.isConnected) await this.awaitConnection(connectWaitMs);
        const body = await this.callOnce(contract, payload, { attempt, correlationId, key, idempotencyKey });
        // A retryable refusal (e.g. in progress, overloaded) is retried like a timeout.
        if (!body.ok && body.error.retryable) throw TrellisError.fromData(body.error);
        return body;
      };
      // A single attempt (at-most-once) needs no retry machinery on its hot path.
      const body =
        contract.retry.maxAttempts === 1
          ? await attemptOnce(1)
          : await this.retryPolicyFor(contract).execute(({ attempt }) => attemptOnce(attempt + 1));
      if (!body.ok) throw TrellisError.fromData(body.error);
      const reply = contract.reply.safeParse(body.reply);
      if (!reply.success) {
        throw BusErrors.invalidMessage.create(`reply of ${contract.name} is invalid`, reply.error.issues);
      }
      return reply.data as ReplyOf<C>;
    } catch (error) {
      // Exactly-once never reports "failed" when the effect may have happened: the caller reads it back by key.
      if (contract.policy === 'exactly-once' && error instanceof TrellisError && error.retryable) {
        throw BusErrors.outcomeUnknown.create(
          `outcome of ${contract.name} is unknown after ${contract.retry.maxAttempts} attempts: ${error.message}`,
          { idempotencyKey },
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Publishes a one-way message; durable policies resolve once the broker confirmed it. */
  async emit<C extends MessageContract>(contract: C, message: RequestOf<C>): Promise<void> {
    const parsed = contract.request.safeParse(message);
    if (!parsed.success) {
      throw BusErrors.invalidMessage.create(`message for ${contract.name} is invalid`, parsed.error.issues);
    }
    const payload = JSON.stringify(parsed.data);
    const key = contract.routing.kind === 'by-key' ? contract.routing.keyOf(parsed.data) : undefined;
    const messageId = randomUUID();
    if (!isDurable(contract.policy)) {
      this.publishTransient(contract, payload, { messageId, correlationId: messageId, attempt: 1, key });
      return;
    }
    await this.retryPolicyFor(contract).execute(async ({ attempt }) => {
      await this.awaitConnection(contract.timeoutMs);
      await this.publishConfirmed(contract, payload, {
        messageId,
        correlationId: messageId,
        attempt: attempt + 1,
        key,
      });
    });
  }

  /**
   * Publishes an already-validated message and resolves on the broker's confirm: the outbox relay's path,
   * which keeps the record's id as the message id so that subscribers can deduplicate.
   */
  async publishRecord(
    record: { contract: string; version: number; messageId: string; trace: Record<string, string> },
    payload: string,
    timeoutMs: number,
  ): Promise<void> {
    await this.awaitConnection(timeoutMs);
    const contract = {
      kind: 'message',
      name: record.contract,
      version: record.version,
      policy: 'at-least-once',
      timeoutMs,
    } as const;
    const { messageId, trace } = record;
    await this.publishConfirmed(contract, payload, {
      messageId,
      correlationId: messageId,
      attempt: 1,
      trace,
    });
  }

  /**
   * Moves a message to the dead-letter queue of `queue` with the reason attached, and resolves once the broker
   * confirmed it, so the original can then be acknowledged without losing it.
   */
  publishDeadLetter(queue: string, content: Buffer, options: Options.Publish): Promise<void> {
    return this.publishDirect(this.topology.deadLetterExchange, queue, content, options);
  }

  /**
   * Puts one message back at the end of `queue` (a call of a pack whose handler failed, to be delivered again
   * on its own), and resolves once the broker confirmed it.
   */
  republish(queue: string, json: string, replyTo: string | undefined): Promise<void> {
    const options: Options.Publish = { persistent: true, contentType: envelopeContentType };
    if (replyTo !== undefined) options.replyTo = replyTo;
    return this.publishDirect('', queue, Buffer.from(json), options);
  }

  private async publishDirect(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
  ): Promise<void> {
    const channel = this.confirm;
    if (channel === undefined) throw BusErrors.unavailable.create('no broker connection');
    await new Promise<void>((resolve, reject) => {
      const unrouted = { ...options, mandatory: false };
      this.publishWithConfirm(channel, exchange, routingKey, content, unrouted, (error) =>
        error === undefined ? resolve() : reject(error),
      );
    });
  }

  /** Fails every call in flight (the bus is closing). */
  failAll(error: TrellisError): void {
    for (const [messageId, pending] of this.pendingReplies) {
      this.pendingReplies.delete(messageId);
      pending.reject(error);
    }
  }

  get inFlight(): number {
    return this.pendingReplies.size;
  }

  private async awaitConnection(waitMs: number): Promise<void> {
    if (this.connection.isClosing) throw BusErrors.unavailable.create('the bus is closing');
    if (!(await this.connection.waitUntilConnected(waitMs))) {
      throw BusErrors.unavailable.create(`no broker connection within ${waitMs} ms`);
    }
  }

  private retryPolicyFor(contract: Contract): RetryPolicy {
    let policy = this.retryPolicies.get(contract);
    if (policy === undefined) {
      policy = retry(
        // Nothing is retried once the bus is closing: the attempt would only wait for a connection that is gone.
        handleWhen((error) => error instanceof TrellisError && error.retryable && !this.connection.isClosing),
        retryScheduleOf(contract.retry),
      );
      policy.onRetry(() => this.metrics.increment(contract.name, contract.policy, 'retried'));
      this.retryPolicies.set(contract, policy);
    }
    return policy;
  }

  private envelopeFor(
    contract: Pick<Contract, 'timeoutMs'>,
    fields: {
      messageId?: string;
      correlationId: string;
      attempt: number;
      key: string | undefined;
      idempotencyKey?: string | undefined;
    },
    trace: Record<string, string>,
    withDeadline: boolean,
  ): OutgoingEnvelope {
    const sentAt = Date.now();
    const envelope: OutgoingEnvelope = {
      messageId: fields.messageId ?? randomUUID(),
      correlationId: fields.correlationId,
      attempt: fields.attempt,
      sentAt,
      trace,
    };
    if (withDeadline) envelope.deadline = sentAt + contract.timeoutMs;
    if (fields.key !== undefined) envelope.key = fields.key;
    if (fields.idempotencyKey !== undefined) envelope.idempotencyKey = fields.idempotencyKey;
    return envelope;
  }

  private routingKeyFor(contract: Pick<Contract, 'name'>, key: string | undefined): string {
    const node = key === undefined ? undefined : this.keyRouter.nodeFor(contract.name, key);
    return this.topology.routingKeyOf(contract, node);
  }

  /** One attempt of a call: publish, then wait for the reply or the timeout. */
  private callOnce(
    contract: CallContract,
    payload: string,
    fields: {
      correlationId: string;
      attempt: number;
      key: string | undefined;
      idempotencyKey: string | undefined;
    },
  ): Promise<ReplyBody> {
    const durable = isDurable(contract.policy);
    const channel = durable ? this.confirm : this.transient;
    if (channel === undefined || !this.connection.isConnected) {
      return Promise.reject(BusErrors.unavailable.create('no broker connection'));
    }
    const { span, headers } = startSendSpan(contract, fields.attempt);
    // The first attempt's message id is the call's correlation id: one random id fewer per call.
    const messageId = fields.attempt === 1 ? fields.correlationId : randomUUID();
    const envelope = this.envelopeFor(contract, { ...fields, messageId }, headers, true);
    envelope.replyTo = directReplyTo;
    const { json, options } = encodeMessage(contract, envelope, payload);
    this.metrics.increment(contract.name, contract.policy, 'sent');
    return new Promise<ReplyBody>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pendingReplies.delete(messageId)) return;
        this.metrics.increment(contract.name, contract.policy, 'timedOut');
        const error = BusErrors.timeout.create(
          `${contract.name} did not reply within ${contract.timeoutMs} ms`,
        );
        endSpan(span, error);
        reject(error);
      }, contract.timeoutMs);
      this.pendingReplies.set(messageId, {
        channel,
        resolve: (body) => {
          clearTimeout(timer);
          endSpan(span);
          resolve(body);
        },
        reject: (error) => {
          clearTimeout(timer);
          endSpan(span, error);
          reject(error);
        },
      });
      const routingKey = this.routingKeyFor(contract, fields.key);
      // Durable: a refused or unroutable pack fails the attempt at once instead of at its timeout.
      const done = durable
        ? (error?: TrellisError) => {
            if (error !== undefined) this.settleWithError(messageId, error);
          }
        : undefined;
      const item = done === undefined ? { json, messageId } : { json, messageId, done };
      this.packs.add(channel, this.topology.exchange, routingKey, options, item, contract.prefetch);
    });
  }

  private publishTransient(
    contract: MessageContract,
    payload: string,
    fields: { messageId: string; correlationId: string; attempt: number; key: string | undefined },
  ): void {
    const channel = this.transient;
    if (channel === undefined || !this.connection.isConnected) {
      throw BusErrors.unavailable.create('no broker connection');
    }
    const { span, headers } = startSendSpan(contract, fields.attempt);
    const { json, options } = encodeMessage(
      contract,
      this.envelopeFor(contract, fields, headers, false),
      payload,
    );
    // Fire and forget: an unroutable at-most-once message is simply lost, as the policy allows.
    options.mandatory = false;
    const routingKey = this.routingKeyFor(contract, fields.key);
    const item = { json, messageId: fields.messageId };
    this.packs.add(channel, this.topology.exchange, routingKey, options, item, contract.prefetch);
    this.metrics.increment(contract.name, contract.policy, 'sent');
    endSpan(span);
  }

  private publishConfirmed(
    contract: Pick<MessageContract, 'kind' | 'name' | 'version' | 'policy' | 'timeoutMs'>,
    payload: string,
    fields: {
      messageId: string;
      correlationId: string;
      attempt: number;
      key?: string | undefined;
      trace?: Record<string, string>;
    },
  ): Promise<void> {
    const channel = this.confirm;
    if (channel === undefined || !this.connection.isConnected) {
      return Promise.reject(BusErrors.unavailable.create('no broker connection'));
    }
    const { span, headers } = startSendSpan(contract, fields.attempt);
    const { json, options } = encodeMessage(
      contract,
      this.envelopeFor(contract, { ...fields, key: fields.key }, fields.trace ?? headers, false),
      payload,
    );
    this.metrics.increment(contract.name, contract.policy, 'sent');
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        const error = BusErrors.timeout.create(
          `broker did not confirm ${contract.name} within ${contract.timeoutMs} ms`,
        );
        this.metrics.increment(contract.name, contract.policy, 'timedOut');
        endSpan(span, error);
        reject(error);
      }, contract.timeoutMs);
      const done = (error?: TrellisError) => {
        clearTimeout(timer);
        if (settled) return;
        endSpan(span, error);
        if (error === undefined) resolve();
        else reject(error);
      };
      const routingKey = this.routingKeyFor(contract, fields.key);
      const item = { json, messageId: fields.messageId, done };
      this.packs.add(channel, this.topology.exchange, routingKey, options, item, maxMessagesPerPack);
    });
  }

  /** Publishes one pack: a lone message keeps its own id; a pack gets one so that a return can be matched. */
  private sendPack(pack: Pack): void {
    const [first] = pack.items;
    const messageId = pack.items.length === 1 && first !== undefined ? first.messageId : randomUUID();
    const content = packBody(pack.items.map((item) => item.json));
    const options = { ...pack.options, messageId };
    const finish = (error?: TrellisError) => {
      for (const item of pack.items) item.done?.(error);
    };
    if (this.confirmChannels.has(pack.channel)) {
      const channel = pack.channel as ConfirmChannel;
      this.publishWithConfirm(channel, pack.exchange, pack.routingKey, content, options, finish);
      return;
    }
    try {
      pack.channel.publish(pack.exchange, pack.routingKey, content, options);
      finish();
    } catch (error) {
      finish(BusErrors.unavailable.create(`publish failed: ${(error as Error).message}`));
    }
  }

  /** Publishes on the confirm channel; `done` gets no error on an ack of a routed message. */
  private publishWithConfirm(
    channel: ConfirmChannel,
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
    done: (error?: TrellisError) => void,
  ): void {
    // Only mandatory messages can come back unrouted; their confirm waits behind the return.
    const messageId = options.mandatory === true ? (options.messageId ?? '') : undefined;
    const confirm: PendingConfirm = { returned: false };
    if (messageId !== undefined) this.pendingConfirms.set(messageId, confirm);
    try {
      channel.publish(exchange, routingKey, content, options, (error: unknown) => {
        if (messageId !== undefined) this.pendingConfirms.delete(messageId);
        if (error !== null && error !== undefined) {
          done(BusErrors.unavailable.create(`broker refused the message (${routingKey})`));
        } else if (confirm.returned) {
          done(BusErrors.noRoute.create(`no queue is bound for ${routingKey}`));
        } else {
          done();
        }
      });
    } catch (error) {
      if (messageId !== undefined) this.pendingConfirms.delete(messageId);
      done(BusErrors.unavailable.create(`publish failed: ${(error as Error).message}`));
    }
  }

  private onReply(message: ConsumeMessage | null): void {
    if (message === null) return;
    let items;
    try {
      items = decodeReplies(message.content);
    } catch {
      this.logger.warn('reply is not JSON; discarded');
      return;
    }
    for (const item of items) {
      const pending = this.pendingReplies.get(item.correlationId);
      if (pending === undefined) {
        // The attempt already timed out (or was never ours): never hand a reply to another caller.
        this.metrics.incrementKnown(item.contract, 'lateReplies');
        continue;
      }
      this.pendingReplies.delete(item.correlationId);
      pending.resolve(item);
    }
  }

  /** A mandatory message that no queue took: its calls fail at once instead of waiting for their timeout. */
  private onReturn(message: ConsumeMessage): void {
    const confirm = this.pendingConfirms.get((message.properties.messageId as string | undefined) ?? '');
    if (confirm !== undefined) confirm.returned = true;
    const error = BusErrors.noRoute.create(`no queue is bound for ${message.fields.routingKey}`);
    try {
      const body = JSON.parse(message.content.toString('utf8')) as unknown;
      for (const entry of Array.isArray(body) ? body : [body]) {
        const messageId = (entry as { messageId?: unknown } | null)?.messageId;
        if (typeof messageId === 'string') this.settleWithError(messageId, error);
      }
    } catch {
      // Not ours to read: nothing waits for it.
    }
  }

  private settleWithError(messageId: string, error: TrellisError): void {
    const pending = this.pendingReplies.get(messageId);
    if (pending === undefined) return;
    this.pendingReplies.delete(messageId);
    pending.reject(error);
  }

  private onChannelClosed(model: ChannelModel, channel: Channel): void {
    if (this.transient === channel) this.transient = undefined;
    if (this.confirm === channel) this.confirm = undefined;
    for (const [messageId, pending] of this.pendingReplies) {
      if (pending.channel !== channel) continue;
      this.pendingReplies.delete(messageId);
      pending.reject(BusErrors.connectionLost.create('the broker connection broke before the reply arrived'));
    }
    this.connection.restartAfterChannelFailure(model);
  }
}
