// The bus rows: the same request/reply as the raw baselines, through `bus.call` with each delivery policy.
import { join } from 'node:path';
import type { DeliveryPolicy } from '@trellis/contracts';
import type { NodeProcess } from '@trellis/testing';
import { startNodeProcess } from '@trellis/testing';
import { pino } from 'pino';
import { Bus } from '../src';
import { pingContract } from './bench-contracts';
import type { Workload } from './workload';

/** Where the bus rows run: the broker (a vhost of their own) and, for exactly-once, a Postgres schema. */
export interface BusWorkloadTarget {
  amqpUrl: string;
  pgUrl: string;
  pgSchema: string;
}

class BusWorkload implements Workload {
  readonly name: string;
  readonly implementation = 'bus' as const;
  private readonly contract;
  private caller: Bus | undefined;
  private responder: NodeProcess | undefined;
  private nextId = 0;

  constructor(
    readonly policy: DeliveryPolicy,
    private readonly target: BusWorkloadTarget,
  ) {
    this.name = `bus, ${policy}`;
    this.contract = pingContract(policy);
  }

  async setup(): Promise<void> {
    this.responder = await startNodeProcess(join(__dirname, 'bus-responder.ts'), {
      name: `${this.name} responder`,
      env: {
        BENCH_POLICY: this.policy,
        AMQP_URL: this.target.amqpUrl,
        PG_URL: this.target.pgUrl,
        PG_SCHEMA: this.target.pgSchema,
      },
    });
    this.caller = await Bus.connect({
      url: this.target.amqpUrl,
      prefix: 'bench',
      logger: pino({ level: 'warn' }),
    });
  }

  async call(): Promise<void> {
    if (this.caller === undefined) throw new Error(`${this.name}: call() before setup()`);
    await this.caller.call(this.contract, { id: this.nextId++, op: 'ping' });
  }

  async teardown(): Promise<void> {
    await this.caller?.close();
    this.responder?.kill();
    await this.responder?.exited;
  }
}

/** One bus row per delivery policy. */
export function createBusWorkloads(target: BusWorkloadTarget): Workload[] {
  return (['at-most-once', 'at-least-once', 'exactly-once'] as const).map(
    (policy) => new BusWorkload(policy, target),
  );
}
