// Share-everything: every node of the family holds every key as a Yjs doc and serves any request; writes are
// pushed to every other member, and anti-entropy (state-vector exchange) repairs what a partition or a lost
// push left out. Both sides of a partition keep accepting writes; the dataset's merge rule decides the result.
import type { Bus } from '@trellis/bus';
import type { RingState } from '@trellis/ring';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { newDoc } from '../crdt/merge-rules';
import type { Dataset, UpdateFunction } from '../dataset';
import type { DatasetDefinition } from '../dataset-definition';
import { DataErrors } from '../errors';
import { FirstRing, settlesWithin } from '../first-ring';
import { pushUpdates, syncUpdates } from '../replication/contracts';
import type { RingMember } from '../partitioned/owned-dataset';

/** What a shared dataset needs from its node. */
export interface SharedDatasetDeps<Value> {
  definition: DatasetDefinition<Value>;
  membership: Pick<RingMember, 'nodeId' | 'current'>;
  dataBus: Bus;
  logger: Logger;
  /** Names this node's incarnation in the docs (node id plus a boot id), so a restart never reuses a writer. */
  writerId: string;
  /** How long a request waits for the first anti-entropy round before `data.unavailable` (default 5 s). */
  syncWaitMs?: number;
}

const META_MAP = 'meta';
const EXPIRES_AT = 'expiresAt';
const encode = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const decode = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/** One share-everything dataset on one node (see the file comment). */
export class SharedDataset<Value> implements Dataset<Value> {
  readonly name: string;
  private readonly docs = new Map<string, Y.Doc>();
  private initialSync: Promise<void> | undefined;
  private synced = false;
  private readonly firstRing = new FirstRing();

  constructor(private readonly deps: SharedDatasetDeps<Value>) {
    this.name = deps.definition.name;
  }

  async get(key: string): Promise<Value | undefined> {
    await this.caughtUpOrFail();
    const doc = this.docs.get(key);
    if (doc === undefined || this.expired(doc, Date.now())) return undefined;
    return this.parse(key, this.deps.definition.merge.read(doc));
  }

  set(key: string, value: Value): Promise<void> {
    return this.update(key, () => value).then(() => undefined);
  }

  delete(key: string): Promise<void> {
    return this.update(key, () => undefined).then(() => undefined);
  }

  /**
   * Applies the write to this node's replica, then pushes the update to every other member; resolves once the
   * broker has the pushes (at-most-once: a push lost on the way is repaired by the next anti-entropy round).
   */
  async update<Next extends Value | undefined>(key: string, fn: UpdateFunction<Value, Next>): Promise<Next> {
    await this.caughtUpOrFail();
    const now = Date.now();
    let doc = this.docs.get(key);
    // An expired key reads as none, but the write goes into the same doc: replicas that still hold the old
    // value then merge the new one as its successor, not as a concurrent rival.
    const current =
      doc === undefined || this.expired(doc, now)
        ? undefined
        : this.parse(key, this.deps.definition.merge.read(doc));
    const next = fn(current);
    if (doc === undefined) {
      if (next === undefined) return next;
      doc = newDoc();
      this.docs.set(key, doc);
    }
    const edited = doc;
    const ttlMs = (this.deps.definition.ttlSeconds ?? 0) * 1000;
    let update: Uint8Array | undefined;
    const capture = (produced: Uint8Array): void => {
      update = update === undefined ? produced : Y.mergeUpdates([update, produced]);
    };
    edited.on('update', capture);
    try {
      edited.transact(() => {
        this.deps.definition.merge.write(edited, this.deps.writerId, next);
        if (ttlMs > 0) edited.getMap<number>(META_MAP).set(EXPIRES_AT, now + ttlMs);
      });
    } finally {
      edited.off('update', capture);
    }
    if (update !== undefined) await this.pushToPeers({ [key]: encode(update) });
    return next;
  }

  /** Applies updates pushed by a peer (idempotent and commutative). Rejects on an update that is not Yjs. */
  applyPushed(updates: Readonly<Record<string, string>>): void {
    for (const [key, update] of Object.entries(updates)) {
      let doc = this.docs.get(key);
      if (doc === undefined) {
        doc = newDoc();
        this.docs.set(key, doc);
      }
      try {
        Y.applyUpdate(doc, decode(update));
      } catch (error) {
        throw DataErrors.corruptValue.create(
          `dataset ${this.name}: key ${key}: not a Yjs update`,
          undefined,
          {
            cause: error,
          },
        );
      }
    }
  }

  /** A peer's side of `data.sync`: what the asker lacks (given its state vectors), and this node's vectors. */
  answerSync(theirs: Readonly<Record<string, string>>): {
    updates: Record<string, string>;
    stateVectors: Record<string, string>;
  } {
    const updates: Record<string, string> = {};
    const stateVectors: Record<string, string> = {};
    const now = Date.now();
    for (const [key, doc] of this.docs) {
      if (this.expired(doc, now)) continue;
      const vector = theirs[key];
      // Always sent, even with equal vectors: a delete does not change a state vector, only the delete set.
      updates[key] = encode(Y.encodeStateAsUpdate(doc, vector === undefined ? undefined : decode(vector)));
      stateVectors[key] = encode(Y.encodeStateVector(doc));
    }
    return { updates, stateVectors };
  }

  /**
   * One anti-entropy round with every other member: pull what each lacks here, push what it lacks. A peer that
   * does not answer is skipped (it is dead, or cut off; the next round tries again).
   */
  async antiEntropy(): Promise<void> {
    const ring = this.deps.membership.current();
    if (ring === undefined) return;
    await Promise.all(
      ring.members
        .filter((member) => member !== this.deps.membership.nodeId)
        .map((peer) => this.syncWith(peer)),
    );
  }

  /** Follows a ring change: the first ring starts the initial round; new members are synced with at once. */
  async onRingChange(ring: RingState, previous: RingState | undefined): Promise<void> {
    if (this.initialSync === undefined) {
      this.initialSync = this.antiEntropy().finally(() => {
        this.synced = true;
      });
      this.firstRing.arrived();
      return this.initialSync;
    }
    const joined = ring.members.filter(
      (member) => member !== this.deps.membership.nodeId && !(previous?.members.includes(member) ?? false),
    );
    await Promise.all(joined.map((peer) => this.syncWith(peer)));
  }

  /** Drops keys whose time to live has passed. */
  sweep(now: number): void {
    for (const [key, doc] of this.docs) {
      if (this.expired(doc, now)) {
        doc.destroy();
        this.docs.delete(key);
      }
    }
  }

  /** True once the first anti-entropy round has finished. */
  get caughtUp(): boolean {
    return this.synced;
  }

  /** Keys this node holds. */
  get size(): number {
    return this.docs.size;
  }

  private async syncWith(peer: string): Promise<void> {
    try {
      const stateVectors: Record<string, string> = {};
      for (const [key, doc] of this.docs) stateVectors[key] = encode(Y.encodeStateVector(doc));
      const reply = await this.deps.dataBus.call(syncUpdates, { to: peer, dataset: this.name, stateVectors });
      this.applyPushed(reply.updates);
      const missing: Record<string, string> = {};
      const now = Date.now();
      for (const [key, doc] of this.docs) {
        if (this.expired(doc, now)) continue;
        const vector = reply.stateVectors[key];
        missing[key] = encode(Y.encodeStateAsUpdate(doc, vector === undefined ? undefined : decode(vector)));
      }
      if (Object.keys(missing).length > 0) {
        await this.deps.dataBus.emit(pushUpdates, { to: peer, dataset: this.name, updates: missing });
      }
    } catch (error) {
      this.deps.logger.debug({ err: error, peer, dataset: this.name }, 'anti-entropy with a peer failed');
    }
  }

  private async pushToPeers(updates: Record<string, string>): Promise<void> {
    const ring = this.deps.membership.current();
    const peers = (ring?.members ?? []).filter((member) => member !== this.deps.membership.nodeId);
    await Promise.all(
      peers.map((to) =>
        this.deps.dataBus.emit(pushUpdates, { to, dataset: this.name, updates }).catch((error: unknown) => {
          this.deps.logger.debug(
            { err: error, to, dataset: this.name },
            'push failed; anti-entropy repairs it',
          );
        }),
      ),
    );
  }

  /** Waits (up to `syncWaitMs` in all) for the node's first ring and first anti-entropy round. */
  private async caughtUpOrFail(): Promise<void> {
    if (this.synced) return;
    const deadline = Date.now() + (this.deps.syncWaitMs ?? 5_000);
    if (!(await this.firstRing.within(deadline - Date.now())) || this.initialSync === undefined) {
      throw DataErrors.unavailable.create(`dataset ${this.name}: this node has not joined its ring yet`);
    }
    if (!(await settlesWithin(this.initialSync, deadline - Date.now()))) {
      throw DataErrors.unavailable.create(`dataset ${this.name}: still catching up with its peers`);
    }
  }

  private expired(doc: Y.Doc, now: number): boolean {
    const expiresAt = doc.getMap<number>(META_MAP).get(EXPIRES_AT);
    return expiresAt !== undefined && expiresAt <= now;
  }

  private parse(key: string, value: unknown): Value | undefined {
    if (value === undefined) return undefined;
    const result = this.deps.definition.schema.safeParse(value);
    if (!result.success) {
      throw DataErrors.corruptValue.create(
        `dataset ${this.name}: key ${key} holds a value that fails its schema`,
      );
    }
    return result.data;
  }
}
