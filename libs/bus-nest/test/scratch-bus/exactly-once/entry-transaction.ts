import type { PoolClient } from 'pg';

import type { InboxTransaction } from './inbox-types';
import type { PreparedStatement } from './prepared-statement';
import type { OutboxDraft } from './outbox-record';

/** The {@link InboxTransaction} of one entry; it counts its outbox writes and refuses them once the entry ended. */
export class EntryTransaction implements InboxTransaction {
  #emitted = 0;
  #open = true;

  constructor(
    readonly client: PoolClient,
    private readonly emitStatement: PreparedStatement,
  ) {}

  /** How many outbox rows this entry wrote. */
  get emitted(): number {
    return this.#emitted;
  }

  async emit(record: OutboxDraft): Promise<void> {
    // A late emit would land in the next entry's savepoint and commit with the wrong message.
    if (!this.#open) throw new Error('inbox: emit() after the handler returned');
    const payload: string | undefined = JSON.stringify(record.payload);
    if (payload === undefined) throw new Error(`inbox: the payload of ${record.contract} is not JSON`);
    await this.client.query({
      ...this.emitStatement,
      values: [record.contract, record.version, payload, JSON.stringify(record.headers)],
    });
    this.#emitted += 1;
  }

  /** Ends the entry: later emits throw. */
  close(): void {
    this.#open = false;
  }
}
