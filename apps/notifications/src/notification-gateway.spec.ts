import { BulkheadRejectedError } from 'cockatiel';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { NotificationGateway } from './notification-gateway';
import type { Notification } from './notification';
import type { NotificationLog } from './notification-log.repository';

const logger = pino({ level: 'silent' });

function sms(n: number): Notification {
  return { kind: 'sms', recipient: '+447700900123', body: `text ${n}`, orderId: null, messageId: `m-${n}` };
}

/** A provider that holds every send until the test lets them all go, and records how many overlapped. */
class SlowProvider implements NotificationLog {
  inFlight = 0;
  mostInFlight = 0;
  readonly received: string[] = [];
  private waiting: Array<() => void> = [];

  async record(notification: Notification): Promise<boolean> {
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight -= 1;
    this.received.push(notification.body);
    return true;
  }

  /** Lets the sends currently held go; returns how many there were. */
  releaseHeld(): number {
    const held = this.waiting;
    this.waiting = [];
    for (const release of held) release();
    return held.length;
  }
}

/** Lets held sends go, turn by turn, until every promise has settled. */
async function drain(provider: SlowProvider, sends: Array<Promise<unknown>>): Promise<void> {
  let settled = false;
  const all = Promise.allSettled(sends).then(() => (settled = true));
  while (!settled) {
    provider.releaseHeld();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await all;
}

describe('NotificationGateway', () => {
  it('never has more sends in flight than its limit, and sends every one in the end', async () => {
    const provider = new SlowProvider();
    const gateway = new NotificationGateway(provider, { concurrentSends: 2, queuedSends: 10 });
    const sends = Array.from({ length: 7 }, (_, n) => gateway.send(sms(n), logger));
    await new Promise((resolve) => setImmediate(resolve));
    expect(provider.inFlight).toBe(2);

    await drain(provider, sends);
    await expect(Promise.all(sends)).resolves.toEqual(Array(7).fill('sent'));
    expect(provider.mostInFlight).toBe(2);
    expect(provider.received.sort()).toEqual(Array.from({ length: 7 }, (_, n) => `text ${n}`).sort());
  });

  it('refuses a send beyond the limit and the queue instead of piling it onto the provider', async () => {
    const provider = new SlowProvider();
    const gateway = new NotificationGateway(provider, { concurrentSends: 1, queuedSends: 1 });
    const sends = [0, 1, 2].map((n) => gateway.send(sms(n), logger));
    const outcomes = Promise.allSettled(sends);
    await drain(provider, sends);
    const [first, second, third] = await outcomes;
    expect(first?.status).toBe('fulfilled');
    expect(second?.status).toBe('fulfilled');
    expect(third).toMatchObject({ status: 'rejected' });
    expect(third?.status === 'rejected' && third.reason).toBeInstanceOf(BulkheadRejectedError);
    expect(provider.received).toHaveLength(2);
  });

  it('reports a notification the log already holds as already sent', async () => {
    const gateway = new NotificationGateway(
      { record: () => Promise.resolve(false) },
      { concurrentSends: 1, queuedSends: 0 },
    );
    await expect(gateway.send(sms(1), logger)).resolves.toBe('already-sent');
  });
});
