import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  outcomeOf,
  type BeginOutcome,
  type IdempotencyStore,
  type StoredResponse,
} from './idempotency-store';

export const DEFAULT_IDEMPOTENCY_PREFIX = 'switchyard:idem:';

/**
 * Idempotency keys in Redis, shared by every instance: a claim is one `SET NX PX` (atomic: of two
 * instances given the same key at once, one runs it), an answer replaces it. Keys are
 * `<prefix>{<scope>}:<sha256 of the key>` (the caller's key itself is not stored).
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string = DEFAULT_IDEMPOTENCY_PREFIX,
  ) {}

  async begin(scope: string, key: string, fingerprint: string, runningTtlMs: number): Promise<BeginOutcome> {
    const id = this.idOf(scope, key);
    const claimed = await this.redis.set(id, JSON.stringify({ fingerprint }), 'PX', runningTtlMs, 'NX');
    if (claimed === 'OK') return { state: 'started' };
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
  ): Promise<void> {
    await this.redis.set(this.idOf(scope, key), JSON.stringify({ fingerprint, response }), 'PX', doneTtlMs);
  }

  async abandon(scope: string, key: string): Promise<void> {
    await this.redis.del(this.idOf(scope, key));
  }

  /** The client belongs to the caller, who closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  idOf(scope: string, key: string): string {
    return `${this.prefix}{${scope}}:${createHash('sha256').update(key).digest('hex')}`;
  }
}
