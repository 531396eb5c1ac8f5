import type { Knex } from 'knex';
import { Redis } from 'ioredis';
import { FallbackBudgetStore, type BudgetFallbackObserver } from './fallback-budget-store';
import { PostgresBudgetStore } from './postgres-budget-store';
import { RedisBudgetStore } from './redis-budget-store';

/**
 * A budget command without an answer this long is answered by the PostgreSQL fallback (withDeadline:
 * judged after the replies already received are read, so a busy event loop does not look like a slow
 * Redis). Longer than the rate limiter's: a timeout costs a hold released late, not just a count.
 */
export const BUDGET_REDIS_TIMEOUT_MS = 1_000;
/** ioredis's own timeout, a backstop behind the deadline. */
const BUDGET_CLIENT_TIMEOUT_MS = 5_000;

export interface SharedBudgetStore {
  readonly store: FallbackBudgetStore;
  readonly redis: Redis;
  close(): Promise<void>;
}

/**
 * Redis shared by every instance, with PostgreSQL (the same database every instance uses) while it
 * is unreachable. The client never queues or retries commands while disconnected (the fallback
 * answers at once) and reconnects in the background every 0.1–2 s.
 */
export function openSharedBudgetStore(
  url: string,
  knex: Knex,
  observer: BudgetFallbackObserver,
  prefix?: string,
): SharedBudgetStore {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: BUDGET_CLIENT_TIMEOUT_MS,
    connectTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  redis.on('error', () => undefined); // reported once per outage by the store, not per reconnect attempt
  const store = new FallbackBudgetStore(
    new RedisBudgetStore(redis, prefix, BUDGET_REDIS_TIMEOUT_MS),
    new PostgresBudgetStore(knex),
    () => redis.status === 'ready',
    observer,
  );
  // Reservations in flight move to PostgreSQL as soon as the connection goes, not at the next call
  // (not when this process closes it: that is no outage).
  let closing = false;
  redis.on('close', () => {
    if (!closing) store.connectionLost();
  });
  return {
    store,
    redis,
    close: async () => {
      closing = true;
      await store.close();
      redis.disconnect();
    },
  };
}
