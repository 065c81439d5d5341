import { connect } from 'amqplib';
import { createRabbitVhost } from '@trellis/testing';

async function main() {
  const vhost = await createRabbitVhost('variants');
  const rconn = await connect(vhost.url, { noDelay: true });
  const rch = await rconn.createChannel();
  await rch.assertExchange('x.bus', 'direct', { durable: true });
  await rch.assertQueue('q', { durable: false });
  await rch.bindQueue('q', 'x.bus', 'q');
  await rch.consume('q', (m) => { if (!m) return; rch.publish('', m.properties.replyTo, Buffer.from('{"ok":true}'), { correlationId: m.properties.correlationId, contentType: 'application/json' }); }, { noAck: true });
  const conn = await connect(vhost.url, { noDelay: true });
  const ch = await conn.createChannel();
  const pending = new Map<string, () => void>();
  await ch.consume('amq.rabbitmq.reply-to', (m) => { if (!m) return; JSON.parse(m.content.toString()); const r = pending.get(m.properties.correlationId); pending.delete(m.properties.correlationId); r?.(); }, { noAck: true });
  ch.on('return', () => undefined);
  let id = 0;
  const variants: Record<string, (body: Buffer, cid: string) => void> = {
    A_default: (b, c) => ch.sendToQueue('q', b, { replyTo: 'amq.rabbitmq.reply-to', correlationId: c, contentType: 'application/json' }),
    B_exchange: (b, c) => ch.publish('x.bus', 'q', b, { replyTo: 'amq.rabbitmq.reply-to', correlationId: c, contentType: 'application/json' }),
    C_mandatory: (b, c) => ch.publish('x.bus', 'q', b, { replyTo: 'amq.rabbitmq.reply-to', correlationId: c, contentType: 'application/json', mandatory: true }),
    D_headers: (b, c) => ch.publish('x.bus', 'q', b, { replyTo: 'amq.rabbitmq.reply-to', correlationId: c, messageId: c + 'm', type: 'bench.ping', timestamp: 1, contentType: 'application/json', mandatory: true, headers: { 'x-contract': 'bench.ping', 'x-contract-version': 1, 'x-attempt': 1, 'x-sent-at': Date.now(), 'x-deadline': Date.now() + 1000 } }),
    A_default2: (b, c) => ch.sendToQueue('q', b, { replyTo: 'amq.rabbitmq.reply-to', correlationId: c, contentType: 'application/json' }),
  };
  for (const [name, send] of Object.entries(variants)) {
    let n = 0; let stop = false;
    const call = () => new Promise<void>((resolve) => { const c = String(id++); pending.set(c, resolve); send(Buffer.from(JSON.stringify({ id, op: 'ping' })), c); });
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 64 }, async () => { while (!stop) { await call(); n++; if (Date.now() - t0 > 3000) stop = true; } }));
    process.stdout.write(`${name}: ${(n / ((Date.now() - t0) / 1000)).toFixed(0)}/s\n`);
  }
  await conn.close(); await rconn.close(); await vhost.delete();
}
void main();
