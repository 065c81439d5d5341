import { rabbitmqctl } from './rabbitmqctl';
import { uniqueName } from './unique-name';

/** Where the local broker listens; tests always use the machine's own RabbitMQ. */
const BROKER_ADDRESS = '127.0.0.1:5672';

/** A throwaway RabbitMQ virtual host owned by one test file. */
export interface RabbitVhost {
  /** The vhost name, `trellis-test-<label>-<random>`. */
  readonly vhost: string;
  /** An AMQP URL for the guest user on this vhost. */
  readonly url: string;
  /** Deletes the vhost with everything in it; safe to call more than once. */
  delete(): Promise<void>;
}

/**
 * Creates a fresh vhost on the local broker and grants the guest user full permissions on it.
 * Create it in `beforeAll` and delete it in `afterAll`, so test files never share queues or exchanges.
 */
export async function createRabbitVhost(label: string): Promise<RabbitVhost> {
  const vhost = uniqueName('trellis-test', label, '-');
  await rabbitmqctl(['add_vhost', vhost]);
  await rabbitmqctl(['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  let deleted = false;
  return {
    vhost,
    url: `amqp://guest:guest@${BROKER_ADDRESS}/${encodeURIComponent(vhost)}`,
    async delete() {
      if (deleted) return;
      deleted = true;
      await rabbitmqctl(['delete_vhost', vhost]);
    },
  };
}
