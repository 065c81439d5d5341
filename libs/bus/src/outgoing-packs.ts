import type { Channel, Options } from 'amqplib';
import type { TrellisError } from '@trellis/contracts';

/**
 * Packing: the messages that one channel sends to the same queue in the same turn of the event loop leave as
 * one AMQP message (perf notes: eight times the throughput of one message per call at concurrency 64, on the
 * durable path too), so that one publish, one confirm and one acknowledgement cover them all. A message alone
 * in its turn leaves alone, with no wait: the flush runs as soon as the current turn's callbacks are done.
 * Everything per call (ids, attempt, deadline, key, trace) stays in each call's own envelope; the receiver
 * handles, retries and dead-letters every call on its own.
 */

/** One message waiting for the next flush. */
export interface PackItem {
  /** The message's envelope as JSON. */
  json: string;
  messageId: string;
  /** Called once the pack left (no error) or could not (error); on a confirm channel, after the confirm. */
  done?: (error?: TrellisError) => void;
}

/** Messages leaving together: same channel, exchange, routing key and properties. */
export interface Pack {
  channel: Channel;
  exchange: string;
  routingKey: string;
  options: Options.Publish;
  items: PackItem[];
}

const maxPackBytes = 256 * 1024;

interface OpenPack extends Pack {
  bytes: number;
  maxItems: number;
}

/** Collects the messages of one turn and hands each pack to `send`. */
export class OutgoingPacks {
  private readonly open = new Map<string, OpenPack>();
  private flushScheduled = false;

  constructor(private readonly send: (pack: Pack) => void) {}

  /** Queues a message; `maxItems` bounds the pack it joins (the contract's prefetch). */
  add(
    channel: Channel,
    exchange: string,
    routingKey: string,
    options: Options.Publish,
    item: PackItem,
    maxItems: number,
  ): void {
    const key = `${exchange} ${routingKey} ${options.type ?? ''} ${options.replyTo ?? ''} ${String(options.persistent)} ${String(options.mandatory)}`;
    let pack = this.open.get(key);
    if (pack !== undefined && pack.channel !== channel) {
      // The channel was replaced after a reconnection: what waits for the old one leaves on its own.
      this.open.delete(key);
      this.send(pack);
      pack = undefined;
    }
    if (pack === undefined) {
      pack = { channel, exchange, routingKey, options, items: [], bytes: 0, maxItems };
      this.open.set(key, pack);
    }
    pack.items.push(item);
    pack.bytes += item.json.length;
    if (pack.items.length >= pack.maxItems || pack.bytes >= maxPackBytes) {
      this.open.delete(key);
      this.send(pack);
      return;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // process.nextTick runs after every promise continuation of this turn: all calls made in reaction to
      // the same burst of replies share the pack.
      process.nextTick(() => this.flush());
    }
  }

  /** Sends every open pack now. */
  flush(): void {
    this.flushScheduled = false;
    const packs = [...this.open.values()];
    this.open.clear();
    for (const pack of packs) this.send(pack);
  }
}
