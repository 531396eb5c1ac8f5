import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeRedis, rateLimiterClockContract, rateLimiterContract, redisUrl } from '@gw/limits/testing';
import { manualClock } from '@gw/shared-kernel/testing';
import { RedisRateLimiter } from './redis-rate-limiter';

describeRedis('RedisRateLimiter', () => {
  const prefix = `switchyard-test:${randomUUID()}:`;
  // On Redis's own TIME, as in production.
  rateLimiterContract('redis', async () => {
    const a = new Redis(redisUrl()!);
    const b = new Redis(redisUrl()!); // a second instance: its own connection
    return {
      limiter: new RedisRateLimiter(a, { prefix }),
      twin: new RedisRateLimiter(b, { prefix }),
      close: async () => {
        await a.quit();
        await b.quit();
      },
    };
  });
  // The script's window logic as time passes: the test's clock goes in with each call (the `now`
  // argument production leaves empty), and the same cases as the in-memory adapter's run on Redis.
  rateLimiterClockContract('redis, time given by the test', async () => {
    const clock = manualClock();
    const a = new Redis(redisUrl()!);
    const b = new Redis(redisUrl()!);
    return {
      limiter: new RedisRateLimiter(a, { prefix, now: clock.nowMs }),
      twin: new RedisRateLimiter(b, { prefix, now: clock.nowMs }),
      advance: (ms: number) => clock.advance(ms),
      close: async () => {
        await a.quit();
        await b.quit();
      },
    };
  });

  it('keys are namespaced per subject and expire with their longest window', async () => {
    const redis = new Redis(redisUrl()!);
    try {
      const limiter = new RedisRateLimiter(redis, { prefix });
      const subject = randomUUID();
      await limiter.check({ subject, limits: { rpm: 10, rph: 100, rpd: null, tpm: 1_000 }, tokens: 5 });
      const [req, tok, meta] = limiter.keysOf(subject);
      expect(req).toBe(`${prefix}{${subject}}:req`);
      const ttl = await Promise.all([redis.pttl(req), redis.pttl(tok), redis.pttl(meta)]);
      expect(ttl[0]).toBeGreaterThan(3_590_000);
      expect(ttl[0]).toBeLessThanOrEqual(3_600_000);
      expect(ttl[1]).toBeGreaterThan(50_000);
      expect(ttl[1]).toBeLessThanOrEqual(60_000);
      expect(ttl[2]).toBeGreaterThan(3_590_000);
    } finally {
      await redis.quit();
    }
  });

  it('a check behind a guard runs only if the guard field exists: else nothing is checked or counted', async () => {
    const redis = new Redis(redisUrl()!);
    try {
      const limiter = new RedisRateLimiter(redis, { prefix });
      const subject = randomUUID();
      const limits = { rpm: 2, rph: null, rpd: null, tpm: 1_000 };
      const guard = { key: `${prefix}{${subject}}:guard`, field: 'r1' };
      expect(await limiter.checkBehind({ subject, limits, tokens: 5 }, guard)).toBeUndefined();
      const first = await limiter.check({ subject, limits, tokens: 5 });
      expect(first.windows).toEqual({
        rpm: expect.objectContaining({ remaining: 1 }),
        tpm: expect.objectContaining({ remaining: 995 }),
      });
      // Sent right behind the command that makes the guard, on the same connection, not awaited.
      const making = redis.hset(guard.key, guard.field, '1');
      const behind = await limiter.checkBehind({ subject, limits, tokens: 5 }, guard);
      await making;
      expect(behind).toMatchObject({
        allowed: true,
        windows: { rpm: { remaining: 0 }, tpm: { remaining: 990 } },
      });
      // Behind a guard that exists, a full window still refuses, with its Retry-After.
      const refused = await limiter.checkBehind({ subject, limits, tokens: 5 }, guard);
      expect(refused).toMatchObject({ allowed: false, refused: ['rpm'] });
      expect(refused!.retryAfterMs).toBeGreaterThan(0);
      await redis.del(guard.key);
    } finally {
      await redis.quit();
    }
  });
});
