import { rateLimiterClockContract, rateLimiterContract } from '@gw/limits/testing';
import type { Clock } from '@gw/shared-kernel';
import { DEFAULT_WINDOWS } from '../domain/rate-limits';
import { InMemoryRateLimiter, type InMemoryRateLimitStore } from './in-memory-rate-limiter';

const harness = async () => {
  let now = Date.parse('2026-12-01T12:00:00.000Z');
  const clock: Clock = { now: () => new Date(now) };
  const store: InMemoryRateLimitStore = new Map();
  const limiter = new InMemoryRateLimiter(clock, DEFAULT_WINDOWS, store);
  return {
    limiter,
    // In memory, "two instances" share one store (the fallback is per instance; this is the contract).
    twin: new InMemoryRateLimiter(clock, DEFAULT_WINDOWS, store),
    advance: (ms: number) => {
      now += ms;
    },
    close: () => limiter.close(),
  };
};

rateLimiterContract('in-memory', harness);
rateLimiterClockContract('in-memory', harness);

describe('InMemoryRateLimiter', () => {
  it('forgets a subject once its windows have passed (swept every 1,024 checks)', async () => {
    const h = await harness();
    const limiter = h.limiter as InMemoryRateLimiter;
    const limits = { rpm: 5, rph: null, rpd: null, tpm: 100 };
    await limiter.check({ subject: 'old', limits, tokens: 1 });
    h.advance(60_001);
    for (let i = 0; i < 1_024; i++) await limiter.check({ subject: 'new', limits, tokens: 0 });
    expect(limiter.subjects()).toBe(1);
  });
});
