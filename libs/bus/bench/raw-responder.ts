// Responder process of the raw amqplib baselines (RAW_MODE, RAW_QUEUE, AMQP_URL in the environment).
// It answers each request through direct reply-to and signals ready once it consumes; it dies with its parent.
import { connect } from 'amqplib';
import type { Channel, ConsumeMessage } from 'amqplib';
import { signalReady } from '@trellis/testing';
import { RAW_DURABLE_PREFETCH, parseRawMode } from './raw-mode';
import type { RawMode } from './raw-mode';

const reply = Buffer.from(JSON.stringify({ ok: true }));

function handle(channel: Channel, mode: RawMode, message: ConsumeMessage): void {
  const { replyTo, correlationId } = message.properties as { replyTo?: string; correlationId?: string };
  // Decode like a real handler would, so the baseline pays for the same tiny amount of work.
  JSON.parse(message.content.toString('utf8'));
  if (replyTo) channel.sendToQueue(replyTo, reply, { correlationId, contentType: 'application/json' });
  // At-least-once: the ack goes after the handling (here, after the reply), never on receipt.
  if (mode === 'durable') channel.ack(message);
}

async function main(): Promise<void> {
  const mode = parseRawMode(process.env['RAW_MODE']);
  const queue = process.env['RAW_QUEUE'];
  if (!queue) throw new Error('RAW_QUEUE is not set');

  // noDelay: with Nagle on, the reply-then-ack pair stalls about 40 ms per call (perf notes).
  const connection = await connect(process.env['AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672', {
    noDelay: true,
  });
  const channel = await connection.createChannel();
  if (mode === 'durable') await channel.prefetch(RAW_DURABLE_PREFETCH);
  await channel.consume(
    queue,
    (message) => {
      // null: the broker cancelled the consumer (queue deleted); the parent is tearing down.
      if (message) handle(channel, mode, message);
    },
    { noAck: mode === 'transient' },
  );

  connection.on('error', (error: Error) => {
    process.stderr.write(`raw-responder: connection error: ${error.message}\n`);
  });
  signalReady();
}

main().catch((error: unknown) => {
  process.stderr.write(`raw-responder: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
