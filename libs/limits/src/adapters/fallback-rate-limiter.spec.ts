import type { RateLimitCheck, RateLimitDecision, RateLimiter } from '../limiter/rate-limiter';
import { FallbackRateLimiter } from './fallback-rate-limiter';
import { InMemoryRateLimiter } from './in-memory-rate-limiter';

/** A shared limiter that never answers (Redis gone without a word), counting what is asked of it. */
class SilentLimiter implements RateLimiter {
  calls = 0;
  check(_request: RateLimitCheck): Promise<RateLimitDecision> {
    this.calls++;
    return new Promise<RateLimitDecision>(() => undefined);
  }
  checkBehind(): Promise<RateLimitDecision | undefined> {
    this.calls++;
    return new Promise<RateLimitDecision | undefined>(() => undefined);
  }
  record(): Promise<void> {
    this.calls++;
    return new Promise<void>(() => undefined);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('FallbackRateLimiter while the shared limiter is not connected', () => {
  const limits = { rpm: 3, rph: null, rpd: null, tpm: 100 };

  it('answers every check from the per-instance limiter without asking (or waiting for) the shared one', async () => {
    const shared = new SilentLimiter();
    const events: string[] = [];
    const limiter = new FallbackRateLimiter(shared, new InMemoryRateLimiter(), () => false, {
      degraded: (e) => events.push(`degraded: ${e.message}`),
      recovered: () => events.push('recovered'),
    });
    const results = [];
    // The shared limiter never answers: had any check gone to it, this would never resolve.
    for (let i = 0; i < 5; i++) results.push(await limiter.check({ subject: 's', limits, tokens: 0 }));
    await limiter.record('s', limits, 10);
    expect(await limiter.checkBehind({ subject: 's', limits, tokens: 0 }, { key: 'k', field: 'f' })).toBe(
      undefined,
    );
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(shared.calls).toBe(0);
    expect(events).toEqual(['degraded: not connected']);
  });
});
