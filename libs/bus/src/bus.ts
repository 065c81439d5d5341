import { randomUUID } from 'node:crypto';
import type { ChannelModel } from 'amqplib';
import type { CallContract, MessageContract, ReplyOf, RequestOf } from '@trellis/contracts';
import { familyOf } from '@trellis/contracts';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { CallOptions } from './caller';
import { Caller } from './caller';
import { BusConnection } from './connection';
import type { AnyHandler } from './consumer';
import { Consumer } from './consumer';
import { BusErrors } from './errors';
import { Inbox, InboxRetention, migrateBusTables, OutboxRelay } from './exactly-once';
import type { CallHandler, MessageHandler } from './handler-context';
import type { KeyRouter } from './key-router';
import { sharedQueueRouter } from './key-router';
import { BusMetrics } from './metrics';
import type { Outcome } from './outcome';
import { outcomeContractOf } from './outcome';
import type { Topology } from './topology';
import { declareExchanges, topologyFor } from './topology';

/** Settings of one node's bus. */
export interface BusOptions {
  /** amqp:// URL of the broker. */
  url: string;
  /** Unique id of this node (default: a random one); the target of keyed routing. */
  nodeId?: string;
  /** Prefix of every exchange and queue (default `trellis`). */
  prefix?: string;
  logger?: Logger;
  /** Where keyed work goes (default: the family's shared queue). */
  keyRouter?: KeyRouter;
  /** Needed by nodes that handle exactly-once interfaces: the node's own Postgres schema for inbox and outbox. */
  exactlyOnce?: {
    pool: Pool;
    schema: string;
    /** How long idempotency keys (and their replies) are kept (default 7 days). */
    retentionMs?: number;
    /** How long a duplicate waits for an attempt still running before it is answered "in progress". */
    lockTimeoutMs?: number;
  };
  /** How long `close()` lets handlers in flight finish (default 10 s). */
  shutdownTimeoutMs?: number;
  /**
   * Attempts of the first connection before `Bus.connect` fails (default 20: backoff from 100 ms up to 5 s, about
   * a minute), so a node whose broker is unreachable stops at start instead of running without it.
   */
  startAttempts?: number;
}

const defaultRetentionMs = 7 * 24 * 3600 * 1000;

/**
 * A node's connection to the service bus: typed calls and emits for callers, handler registration for nodes,
 * each interface carried with its contract's delivery policy. Reconnects by itself.
 */
export class Bus {
  readonly nodeId: string;
  private readonly consumers: Consumer[] = [];
  private relay: OutboxRelay | undefined;
  private retention: InboxRetention | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly options: BusOptions,
    private readonly connection: BusConnection,
    private readonly caller: Caller,
    private readonly topology: Topology,
    private readonly logger: Logger,
    /** Counters per interface and policy, for the metrics exporter. */
    readonly metrics: BusMetrics,
  ) {
    this.nodeId = options.nodeId ?? randomUUID();
  }

  /** Connects (retrying a while if the broker is not up yet) and prepares the exactly-once tables if configured. */
  static async connect(options: BusOptions): Promise<Bus> {
    const logger = options.logger ?? pino({ level: process.env['LOG_LEVEL'] ?? 'info' });
    const topology = topologyFor(options.prefix ?? 'trellis');
    if (options.exactlyOnce !== undefined) {
      await migrateBusTables(options.exactlyOnce.pool, options.exactlyOnce.schema);
    }
    const metrics = new BusMetrics();
    const connection = new BusConnection({
      url: options.url,
      logger,
      initialAttempts: options.startAttempts,
    });
    const caller = new Caller(connection, topology, metrics, options.keyRouter ?? sharedQueueRouter, logger);
    await connection.addStep(async (model: ChannelModel) => {
      const channel = await model.createChannel();
      await declareExchanges(channel, topology);
      await channel.close();
    });
    await connection.addStep(caller.setup);
    await connection.open();
    const bus = new Bus(options, connection, caller, topology, logger, metrics);
    bus.startOutbox();
    return bus;
  }

  /** Sends a request and resolves with the typed reply; rejects with a TrellisError (see BusErrors). */
  call<C extends CallContract>(
    contract: C,
    request: RequestOf<C>,
    options?: CallOptions,
  ): Promise<ReplyOf<C>> {
    return this.caller.call(contract, request, options);
  }

  /** Emits a one-way message; durable policies resolve once the broker confirmed it. */
  emit<C extends MessageContract>(contract: C, message: RequestOf<C>): Promise<void> {
    return this.caller.emit(contract, message);
  }

  /** Reads back the outcome of an exactly-once call by its idempotency key (after "outcome unknown"). */
  outcome(contract: CallContract, idempotencyKey: string): Promise<Outcome> {
    return this.caller.call(outcomeContractOf(contract), { idempotencyKey });
  }

  /** Serves a request/reply interface on this node. */
  async handle<C extends CallContract>(contract: C, handler: CallHandler<C>): Promise<void> {
    const inbox = this.inboxFor(contract.policy, contract.name);
    await this.startConsumer(new Consumer(this.consumerDeps(), contract, handler as AnyHandler, inbox));
    if (inbox !== undefined) {
      await this.handle(outcomeContractOf(contract), ({ idempotencyKey }) =>
        inbox.readOutcome(idempotencyKey),
      );
    }
  }

  /** Subscribes this node's family (default: the contract's family) to a one-way interface. */
  async subscribe<C extends MessageContract>(
    contract: C,
    handler: MessageHandler<C>,
    family = familyOf(contract),
  ): Promise<void> {
    const inbox = this.inboxFor(contract.policy, `${contract.name}:${family}`);
    await this.startConsumer(
      new Consumer(this.consumerDeps(), contract, handler as AnyHandler, inbox, family),
    );
  }

  /**
   * How many nodes consume the interface's shared queue right now (for a message, the given subscribing
   * family's queue): 0 when no node of the family runs or ever declared it. Readiness of a caller reads it.
   */
  async liveHandlersOf(contract: CallContract | MessageContract, family?: string): Promise<number> {
    const queue = this.topology.queueOf(contract, family);
    return this.connection.withTemporaryChannel(async (channel) => {
      try {
        return (await channel.checkQueue(queue)).consumerCount;
      } catch {
        // The broker closes the channel for a queue that does not exist: nobody ever handled it.
        return 0;
      }
    });
  }

  /** True while the broker connection is up (the readiness signal). */
  get isConnected(): boolean {
    return this.connection.isConnected;
  }

  /** Names of this bus's exchanges and queues. */
  get names(): Topology {
    return this.topology;
  }

  /**
   * Graceful shutdown: stop consuming, let handlers in flight finish (bounded), publish what the outbox holds,
   * then close the connection. Calls still waiting fail with `bus.unavailable`. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const timeoutMs = this.options.shutdownTimeoutMs ?? 10_000;
    const drained = Promise.all(this.consumers.map((consumer) => consumer.stop()));
    const timedOut = new Promise<'timeout'>((resolve) => setTimeout(resolve, timeoutMs, 'timeout').unref());
    if ((await Promise.race([drained, timedOut])) === 'timeout') {
      this.logger.warn(
        { timeoutMs },
        'handlers still running at shutdown; their messages will be redelivered',
      );
    }
    await this.relay?.stop();
    await this.retention?.stop();
    this.caller.failAll(BusErrors.unavailable.create('the bus is closing'));
    await this.connection.close();
  }

  private consumerDeps() {
    return {
      connection: this.connection,
      topology: this.topology,
      metrics: this.metrics,
      caller: this.caller,
      logger: this.logger,
      nodeId: this.nodeId,
      emitNow: <C extends MessageContract>(contract: C, message: RequestOf<C>) =>
        this.caller.emit(contract, message),
    };
  }

  private async startConsumer(consumer: Consumer): Promise<void> {
    this.consumers.push(consumer);
    await this.connection.addStep(consumer.setup);
  }

  private inboxFor(policy: CallContract['policy'], consumer: string): Inbox | undefined {
    const settings = this.options.exactlyOnce;
    if (policy !== 'exactly-once' || settings === undefined) return undefined;
    const inbox = new Inbox({
      pool: settings.pool,
      schema: settings.schema,
      consumer,
      ...(settings.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: settings.lockTimeoutMs }),
    });
    inbox.onOutboxWritten(() => this.relay?.poke());
    return inbox;
  }

  private startOutbox(): void {
    const settings = this.options.exactlyOnce;
    if (settings === undefined) return;
    this.relay = new OutboxRelay({
      pool: settings.pool,
      schema: settings.schema,
      logger: this.logger,
      publish: (record) =>
        this.caller.publishRecord(
          { contract: record.contract, version: record.version, messageId: record.id, trace: record.headers },
          JSON.stringify(record.payload),
          5_000,
        ),
    });
    this.relay.start();
    this.retention = new InboxRetention({
      pool: settings.pool,
      schema: settings.schema,
      retentionMs: settings.retentionMs ?? defaultRetentionMs,
    });
    this.retention.start();
  }
}
