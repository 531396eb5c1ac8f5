import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventStore } from '@gw/eventstore';
import {
  InMemoryRateLimiter,
  openRedisRateLimiter,
  RATE_LIMIT_POLICY_EVENT_TYPES,
  RateLimitPolicyView,
  RateLimits,
} from '@gw/limits';
import type { GatewayConfig } from '@gw/platform';
import { BUDGET_REDIS_TIMEOUT_MS } from '@gw/usage-billing';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { startMemoryFeed } from '../runtime/memory-feed';
import { RateLimitGate } from './rate-limit-gate';

export interface RateLimitsRuntime {
  readonly rateLimits: RateLimits;
  /** The chat hot path's step (counts refusals in switchyard_rate_limited_total{tier, dimension}). */
  readonly gate: RateLimitGate;
  close(): Promise<void>;
}

/**
 * The rate limits of this instance: the policy in memory, fed from the log; the limiter chosen by
 * configuration: REDIS_URL → Redis shared by every instance, with the per-instance fallback while
 * it is unreachable; else in memory (embedded mode). `client`: the budget store's Redis connection,
 * which the limiter uses too, so a check sent behind a hold runs after it (the budget closes it).
 */
export async function startRateLimits(
  config: GatewayConfig,
  eventStore: EventStore,
  metrics: GatewayMetrics,
  logger: Logger,
  client?: Redis,
): Promise<RateLimitsRuntime> {
  const view = new RateLimitPolicyView();
  const feed = await startMemoryFeed(
    eventStore,
    'rate-limit-policy',
    [...RATE_LIMIT_POLICY_EVENT_TYPES],
    (e) => view.apply(e),
    logger,
  );
  const rateLimited = metrics.rateLimited;
  const degraded = metrics.rateLimiterDegraded;
  if (!config.redisUrl) {
    const limiter = new InMemoryRateLimiter();
    const rateLimits = new RateLimits(view, limiter);
    return {
      rateLimits,
      gate: new RateLimitGate(rateLimits, rateLimited),
      close: async () => {
        await feed.stop();
        await limiter.close();
      },
    };
  }
  const shared = openRedisRateLimiter(
    config.redisUrl,
    {
      degraded: (e) => {
        degraded.set(1);
        logger.error(
          { err: e.message },
          'Redis is unreachable: rate limits are counted per instance until it is back',
        );
      },
      recovered: () => {
        degraded.set(0);
        logger.info('Redis is back: rate limits are shared again');
      },
    },
    { client, behindDeadlineMs: BUDGET_REDIS_TIMEOUT_MS },
  );
  const rateLimits = new RateLimits(view, shared.limiter);
  return {
    rateLimits,
    gate: new RateLimitGate(rateLimits, rateLimited),
    close: async () => {
      await feed.stop();
      await shared.close();
    },
  };
}
