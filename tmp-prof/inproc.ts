import { createRabbitVhost } from '@trellis/testing';
import { pino } from 'pino';
import { Bus } from '../libs/bus/src';
import { pingContract } from '../libs/bus/bench/bench-contracts';

async function main() {
  const policy = (process.argv[2] ?? 'at-most-once') as 'at-most-once';
  const vhost = await createRabbitVhost('inproc');
  const logger = pino({ level: 'warn' });
  const handler = await Bus.connect({ url: vhost.url, prefix: 'p', logger });
  const caller = await Bus.connect({ url: vhost.url, prefix: 'p', logger });
  const c = pingContract(policy);
  await handler.handle(c, () => ({ ok: true as const }));
  let n = 0; let stop = false; let id = 0;
  const t0 = Date.now();
  const workers = Array.from({ length: 64 }, async () => { while (!stop) { await caller.call(c, { id: id++, op: 'ping' }); n++; } });
  await new Promise((r) => setTimeout(r, 4000));
  stop = true; await Promise.all(workers);
  process.stdout.write(`${policy}: ${(n / ((Date.now() - t0) / 1000)).toFixed(0)}/s\n`);
  await caller.close(); await handler.close(); await vhost.delete();
}
void main();
