import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { createLogger } from './logger';

describe('createLogger', () => {
  it('writes JSON lines bound to the node id, family and pid, at the given level', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ nodeId: 'cart-2', family: 'cart', level: 'info', destination });
    logger.debug('hidden');
    logger.child({ interface: 'cart.add' }).info({ items: 1 }, 'added');

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 30,
      nodeId: 'cart-2',
      family: 'cart',
      pid: process.pid,
      interface: 'cart.add',
      items: 1,
      msg: 'added',
    });
  });
});
