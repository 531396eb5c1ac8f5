import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  outcomeOf,
  type BeginOutcome,
  type IdempotencyStore,
  type StoredResponse,
} from './idempotency-store';

export const DEFAULT_IDEMPOTENCY_PREFIX = 'switchyard:idem:';

/**
 * KEYS[1] the key's entry, ARGV[1] a claim, ARGV[2] the answer's JSON, ARGV[3] its TTL in ms: the
 * answer replaces the entry only while the entry is that claim's (or gone). 1 when stored.
 */
const COMPLETE_LUA = `
local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).claim ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/** KEYS[1] the key's entry, ARGV[1] a claim: deleted only while it is that claim's. 1 when deleted. */
const ABANDON_LUA = `
local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).claim == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type ClaimCommand = (key: string, ...args: Array<string | number>) => Promise<number>;

/**
 * Idempotency keys in Redis, shared by every instance: a claim is one `SET NX PX` (atomic: of two
 * instances given the same key at once, one runs it) naming its run (`claim`), and only that run
 * may replace it with its answer or free it (a script each). Keys are
 * `<prefix>{<scope>}:<sha256 of the key>` (the caller's key itself is not stored).
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly completeClaim: ClaimCommand;
  private readonly abandonClaim: ClaimCommand;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string = DEFAULT_IDEMPOTENCY_PREFIX,
  ) {
    if (!('switchyardIdempotencyComplete' in redis))
      redis.defineCommand('switchyardIdempotencyComplete', { numberOfKeys: 1, lua: COMPLETE_LUA });
    if (!('switchyardIdempotencyAbandon' in redis))
      redis.defineCommand('switchyardIdempotencyAbandon', { numberOfKeys: 1, lua: ABANDON_LUA });
    const commands = redis as unknown as Record<
      'switchyardIdempotencyComplete' | 'switchyardIdempotencyAbandon',
      ClaimCommand
    >;
    this.completeClaim = commands.switchyardIdempotencyComplete.bind(redis);
    this.abandonClaim = commands.switchyardIdempotencyAbandon.bind(redis);
  }

  async begin(scope: string, key: string, fingerprint: string, runningTtlMs: number): Promise<BeginOutcome> {
    const id = this.idOf(scope, key);
    const claim = randomUUID();
    const claimed = await this.redis.set(
      id,
      JSON.stringify({ fingerprint, claim }),
      'PX',
      runningTtlMs,
      'NX',
    );
    if (claimed === 'OK') return { state: 'started', claim };
    const raw = await this.redis.get(id);
    if (raw === null) return this.begin(scope, key, fingerprint, runningTtlMs); // expired in between
    return outcomeOf(JSON.parse(raw) as { fingerprint: string; response?: StoredResponse }, fingerprint);
  }

  async complete(
    scope: string,
    key: string,
    fingerprint: string,
    response: StoredResponse,
    doneTtlMs: number,
    claim: string,
  ): Promise<void> {
    await this.completeClaim(
      this.idOf(scope, key),
      claim,
      JSON.stringify({ fingerprint, response }),
      doneTtlMs,
    );
  }

  async abandon(scope: string, key: string, claim: string): Promise<void> {
    await this.abandonClaim(this.idOf(scope, key), claim);
  }

  /** The client belongs to the caller, who closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  idOf(scope: string, key: string): string {
    return `${this.prefix}{${scope}}:${createHash('sha256').update(key).digest('hex')}`;
  }
}
