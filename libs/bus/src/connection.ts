import { EventEmitter, once } from 'node:events';
import type { Channel, ChannelModel, RecoveringChannelModel } from 'amqplib';
import { connect } from 'amqplib';
import type { Logger } from 'pino';
import { BusErrors } from './errors';

/** Work to redo on every (re)connection: declare topology, open channels, start consumers. */
export type SetupStep = (model: ChannelModel) => Promise<void>;

export interface BusConnectionOptions {
  url: string;
  logger: Logger;
  /** Backoff between reconnection attempts. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Attempts of the very first connection before start-up fails (a node with no broker should not start). */
  initialAttempts?: number;
}

/**
 * One broker connection that reconnects by itself (amqplib's recovery, exponential backoff with jitter) and
 * runs every registered setup step again on each new connection, so topology and consumers come back after a
 * broker restart. Emits `connected` and `disconnected`.
 */
export class BusConnection extends EventEmitter {
  private readonly steps: SetupStep[] = [];
  private recovering: RecoveringChannelModel | undefined;
  private model: ChannelModel | undefined;
  private closing = false;

  constructor(private readonly options: BusConnectionOptions) {
    super();
    // Every call waiting out an outage listens for `connected`: as many listeners as calls in flight.
    this.setMaxListeners(0);
  }

  /** Connects; resolves once the first connection and every setup step added so far succeeded. */
  async open(): Promise<void> {
    const { logger, reconnect, initialAttempts } = this.options;
    const recovering = await connect(this.options.url, {
      // Nagle's algorithm stalls a reply followed by an ack by ~40 ms (perf notes).
      noDelay: true,
      recovery: {
        initialDelay: reconnect?.initialDelayMs ?? 100,
        maxDelay: reconnect?.maxDelayMs ?? 5_000,
        maxRetries: Infinity,
        initialMaxRetries: initialAttempts ?? 20,
        waitForConnect: false,
        setup: async (model: ChannelModel) => {
          // Steps added while this runs are picked up by the same loop.
          for (const step of this.steps) await step(model);
        },
      },
    });
    this.recovering = recovering;
    recovering.on('connect', (model: ChannelModel) => {
      this.model = model;
      logger.info('bus connected');
      this.emit('connected');
    });
    recovering.on('disconnect', (error: Error) => {
      this.model = undefined;
      logger.warn({ err: error }, 'bus disconnected; reconnecting');
      this.emit('disconnected', error);
    });
    recovering.on('connect-failed', (error: Error) =>
      logger.warn({ err: error }, 'bus connection attempt failed'),
    );
    recovering.on('error', (error: Error) => logger.warn({ err: error }, 'bus connection error'));
    await recovering.waitForConnect();
  }

  /** Whether a connection is up and its setup finished. */
  get isConnected(): boolean {
    return this.model !== undefined;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /**
   * Adds a setup step: run now on the current connection (if any) and again after every reconnection. A step
   * that fails because the connection broke meanwhile is not an error: the reconnection runs it again.
   */
  async addStep(step: SetupStep): Promise<void> {
    this.steps.push(step);
    const model = this.model;
    if (model === undefined) return;
    try {
      await step(model);
    } catch (error) {
      if (this.model === model) throw error;
    }
  }

  /**
   * Runs `work` on a channel of its own, closed afterwards: for passive checks that the broker answers by closing
   * the channel (a queue that does not exist), which must not disturb the channels that carry traffic.
   */
  async withTemporaryChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    const model = this.model;
    if (model === undefined) throw BusErrors.unavailable.create('no broker connection');
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** Resolves true once connected, false when `timeoutMs` passes first (0: answer at once). */
  async waitUntilConnected(timeoutMs: number): Promise<boolean> {
    if (this.isConnected) return true;
    if (timeoutMs <= 0 || this.closing) return false;
    try {
      await once(this, 'connected', { signal: AbortSignal.timeout(timeoutMs) });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A channel closed on its own while its connection stays up (a channel-level error): the simplest correct
   * recovery is a fresh connection, which redoes every setup step.
   */
  restartAfterChannelFailure(model: ChannelModel): void {
    if (this.closing || this.model !== model) return;
    model.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.model = undefined;
    await this.recovering?.close().catch(() => undefined);
  }
}
