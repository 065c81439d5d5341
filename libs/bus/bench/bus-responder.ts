// Responder process of the bus rows: serves the ping interface of BENCH_POLICY on the bus (AMQP_URL,
// BUS_PREFIX; PG_URL and PG_SCHEMA for exactly-once) and signals ready; it dies with its parent.
import type { DeliveryPolicy } from '@trellis/contracts';
import { signalReady } from '@trellis/testing';
import { Pool } from 'pg';
import { pino } from 'pino';
import { Bus } from '../src';
import { pingContract } from './bench-contracts';

async function main(): Promise<void> {
  const policy = process.env['BENCH_POLICY'] as DeliveryPolicy;
  const schema = process.env['PG_SCHEMA'];
  const exactlyOnce =
    policy === 'exactly-once' && schema !== undefined
      ? { pool: new Pool({ connectionString: process.env['PG_URL'], max: 8 }), schema }
      : undefined;
  const bus = await Bus.connect({
    url: process.env['AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672',
    prefix: process.env['BUS_PREFIX'] ?? 'bench',
    logger: pino({ level: 'warn' }),
    ...(exactlyOnce === undefined ? {} : { exactlyOnce }),
  });
  await bus.handle(pingContract(policy), () => ({ ok: true as const }));
  signalReady();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bus-responder: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
