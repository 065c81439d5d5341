import { createPgSchema, createRabbitVhost, stopAllNodeProcesses } from '@trellis/testing';
import { createBusWorkloads } from '../libs/bus/bench/bus-workload';
import { createRawTransientWorkload } from '../libs/bus/bench/raw-amqplib';
import { execSync } from 'node:child_process';

async function main() {
  const which = process.argv[2] ?? 'bus';
  const vhost = await createRabbitVhost('prof');
  const pg = await createPgSchema('prof');
  const w = which === 'raw' ? createRawTransientWorkload(vhost.url) : createBusWorkloads({ amqpUrl: vhost.url, pgUrl: pg.connectionString, pgSchema: pg.schema })[Number(process.argv[3] ?? 0)]!;
  await w.setup();
  let n = 0; let stop = false;
  const t0 = Date.now();
  const workers = Array.from({ length: 64 }, async () => { while (!stop) { await w.call(); n++; } });
  await new Promise((r) => setTimeout(r, 1000));
  const snap = () => { const out: Record<string, number> = {}; for (const pid of require('node:fs').readdirSync('/proc').filter((d: string) => /^\d+$/.test(d))) { try { const st = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); const cmd = require('node:fs').readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 90); out[pid + ' ' + cmd] = (Number(st[11]) + Number(st[12])) / 100; } catch {} } return out; };
  const a = snap();
  await new Promise((r) => setTimeout(r, 4000));
  const b = snap();
  for (const k of Object.keys(b)) { const d = b[k]! - (a[k] ?? b[k]!); if (d > 0) process.stdout.write(`  ${d}s cpu in 4s: ${k}\n`); }
  stop = true; await Promise.all(workers);
  process.stdout.write(`${which}: ${(n / ((Date.now() - t0) / 1000)).toFixed(0)}/s\n`);
  await w.teardown(); await stopAllNodeProcesses(); await pg.drop(); await vhost.delete();
  process.exit(0);
}
void main();
