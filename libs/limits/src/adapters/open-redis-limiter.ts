import { Redis } from 'ioredis';
import type { WindowLengths } from '../domain/rate-limits';
import { FallbackRateLimiter, type FallbackObserver } from './fallback-rate-limiter';
import { InMemoryRateLimiter } from './in-memory-rate-limiter';
import { RedisRateLimiter } from './redis-rate-limiter';
import type { Clock } from '@gw/shared-kernel';

/**
 * A check without an answer this long is answered by the per-instance limiter (withDeadline: judged
 * after the replies already received are read, so a busy event loop does not look like a slow Redis).
 */
export const REDIS_COMMAND_TIMEOUT_MS = 100;
/** ioredis's own timeout, a backstop for the client's other commands (Idempotency-Key answers). */
export const REDIS_CLIENT_TIMEOUT_MS = 5_000;

export interface SharedLimiter {
  readonly limiter: FallbackRateLimiter;
  readonly redis: Redis;
  close(): Promise<void>;
}

/**
 * Redis with the per-instance fallback. The client never queues commands while disconnected and
 * never retries one (the hot path does not wait for Redis to come back: the fallback answers at
 * once); it reconnects in the background, every 0.1–2 s. `options.client`: a client opened that way
 * by someone else (the budget store's: its guarded checks must share the hold's connection), which
 * the caller closes.
 */
export function openRedisRateLimiter(
  url: string,
  observer: FallbackObserver,
  options: {
    readonly prefix?: string;
    readonly windows?: WindowLengths;
    readonly clock?: Clock;
    readonly client?: Redis;
    /** The deadline of a check sent behind another command (RedisRateLimiter's behindDeadlineMs). */
    readonly behindDeadlineMs?: number;
  } = {},
): SharedLimiter {
  const own = options.client === undefined;
  const redis =
    options.client ??
    new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_CLIENT_TIMEOUT_MS,
      connectTimeout: 1_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
      lazyConnect: false,
    });
  if (own) redis.on('error', () => undefined); // reported once per outage by the limiter, not per reconnect attempt
  const limiter = new FallbackRateLimiter(
    new RedisRateLimiter(redis, { ...options, deadlineMs: REDIS_COMMAND_TIMEOUT_MS }),
    new InMemoryRateLimiter(options.clock, options.windows),
    () => redis.status === 'ready',
    observer,
  );
  return {
    limiter,
    redis,
    close: async () => {
      await limiter.close();
      if (own) redis.disconnect();
    },
  };
}
