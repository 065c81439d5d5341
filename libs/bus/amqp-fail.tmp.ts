import { Bus } from '@trellis/bus';
import { pino } from 'pino';
const t = Date.now();
Bus.connect({ url: 'amqp://guest:guest@127.0.0.1:1', logger: pino({ level: 'silent' }) }).then(
  () => console.log('connected?'),
  (e: any) => { console.log('failed after', Date.now() - t, 'ms', e?.constructor?.name, e?.code, e?.port, e?.address, e?.message, e?.cause, e?.errors); },
);
