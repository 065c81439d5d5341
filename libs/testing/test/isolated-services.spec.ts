import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import amqp from 'amqplib';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';

import { createPgSchema, createRabbitVhost, waitFor } from '../src';

const run = promisify(execFile);

async function listVhosts(): Promise<string[]> {
  const { stdout } = await run('rabbitmqctl', ['list_vhosts', '--quiet', '--no-table-headers']);
  return stdout.split('\n').map((line) => line.trim());
}

describe('createRabbitVhost', () => {
  it('creates a vhost the guest user can use, and deletes it', async () => {
    const vhost = await createRabbitVhost('Round Trip');
    try {
      expect(vhost.vhost).toMatch(/^trellis-test-round-trip-[0-9a-f]{8}$/);
      expect(await listVhosts()).toContain(vhost.vhost);

      const connection = await amqp.connect(vhost.url);
      try {
        const channel = await connection.createChannel();
        const { queue } = await channel.assertQueue('', { exclusive: true });
        channel.sendToQueue(queue, Buffer.from('hello'));
        const message = await waitFor(() => channel.get(queue, { noAck: true }), {
          timeoutMs: 5_000,
          intervalMs: 10,
          description: 'the published message',
        });
        expect(message.content.toString()).toBe('hello');
      } finally {
        await connection.close();
      }
    } finally {
      await vhost.delete();
    }
    expect(await listVhosts()).not.toContain(vhost.vhost);
  });
});

describe('createPgSchema', () => {
  it('gives a pool whose unqualified tables land in the schema, and drops it', async () => {
    const pg = await createPgSchema('Round Trip');
    const admin = new Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/test' });
    await admin.connect();
    try {
      expect(pg.schema).toMatch(/^trellis_test_round_trip_[0-9a-f]{8}$/);
      await pg.pool.query('CREATE TABLE cart (id int PRIMARY KEY, item text NOT NULL)');
      await pg.pool.query(`INSERT INTO cart VALUES (1, 'tea')`);

      const { rows } = await admin.query<{ item: string }>(`SELECT item FROM "${pg.schema}".cart`);
      expect(rows).toEqual([{ item: 'tea' }]);

      await pg.drop();
      const left = await admin.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
        pg.schema,
      ]);
      expect(left.rowCount).toBe(0);
    } finally {
      await pg.drop();
      await admin.end();
    }
  });
});
