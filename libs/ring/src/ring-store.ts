// Where a family's ring and its members' heartbeats live in Redis. The ring is one JSON value changed only by
// compare-and-set on its epoch, so concurrent writers of the next ring cannot both win (Riak Core's
// claim-then-commit, with Redis as the single place of commitment).
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { RingErrors } from './errors';
import type { Owners } from './claim';

/** A committed ring: its epoch (1 for the first, +1 per change), the members it was computed for, the owners. */
export interface RingState {
  readonly epoch: number;
  readonly members: readonly string[];
  readonly owners: Owners;
}

const ringSchema = z.object({
  epoch: z.number().int().min(1),
  members: z.array(z.string().min(1)),
  owners: z.array(z.string().min(1)),
});

// KEYS[1] the ring; ARGV[1] the epoch the writer read ('0' for none); ARGV[2] the new ring's JSON, whose epoch
// is ARGV[1] + 1. Returns 1 when written, 0 when another writer committed first.
const compareAndSetRingScript = `
local current = redis.call('GET', KEYS[1])
local epoch = 0
if current then epoch = cjson.decode(current).epoch end
if epoch ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

// KEYS[1] the member index (a set); ARGV[1] the prefix of the per-member heartbeat keys. Returns the members
// whose heartbeat key still exists, and drops the others from the index.
const liveMembersScript = `
local live = {}
for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. member) == 1 then
    table.insert(live, member)
  else
    redis.call('SREM', KEYS[1], member)
  end
end
return live
`;

/**
 * One family's ring and heartbeats under `<prefix>:ring:<family>` (the ring), `<prefix>:member:<family>:<node>`
 * (a heartbeat, expiring after the dead-after time) and `<prefix>:members:<family>` (the index of names).
 * Keys are built inside the Lua scripts, so this targets a single Redis, not Redis Cluster.
 */
export class RingStore {
  private readonly ringKey: string;
  private readonly indexKey: string;
  private readonly memberKeyPrefix: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    family: string,
  ) {
    this.ringKey = `${prefix}:ring:${family}`;
    this.indexKey = `${prefix}:members:${family}`;
    this.memberKeyPrefix = `${prefix}:member:${family}:`;
  }

  /** The committed ring, or undefined before the first commit. Rejects with `ring.corrupt` on a bad value. */
  async read(): Promise<RingState | undefined> {
    const text = await this.redis.get(this.ringKey);
    if (text === null) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw RingErrors.corrupt.create(`${this.ringKey} is not JSON`, undefined, { cause: error });
    }
    const result = ringSchema.safeParse(parsed);
    if (!result.success)
      throw RingErrors.corrupt.create(`${this.ringKey} is not a ring: ${result.error.message}`);
    return result.data;
  }

  /**
   * Commits `members`/`owners` as epoch `expectedEpoch + 1` if the stored epoch is still `expectedEpoch`
   * (0: nothing stored). Resolves to the committed ring, or undefined when another writer got in first.
   */
  async compareAndSet(
    expectedEpoch: number,
    members: readonly string[],
    owners: Owners,
  ): Promise<RingState | undefined> {
    const next: RingState = { epoch: expectedEpoch + 1, members: [...members], owners: [...owners] };
    const written = await this.redis.eval(
      compareAndSetRingScript,
      1,
      this.ringKey,
      String(expectedEpoch),
      JSON.stringify(next),
    );
    return written === 1 ? next : undefined;
  }

  /** Announces `node` as alive for the next `deadAfterMs` (a heartbeat restarts the time). */
  async heartbeat(node: string, deadAfterMs: number): Promise<void> {
    await this.redis
      .multi()
      .set(`${this.memberKeyPrefix}${node}`, String(Date.now()), 'PX', deadAfterMs)
      .sadd(this.indexKey, node)
      .exec();
  }

  /** Withdraws `node` at once, without waiting for its heartbeat to expire. */
  async remove(node: string): Promise<void> {
    await this.redis.multi().del(`${this.memberKeyPrefix}${node}`).srem(this.indexKey, node).exec();
  }

  /** The members whose heartbeat has not expired, sorted. */
  async liveMembers(): Promise<string[]> {
    const live = (await this.redis.eval(
      liveMembersScript,
      1,
      this.indexKey,
      this.memberKeyPrefix,
    )) as string[];
    return [...live].sort();
  }
}
