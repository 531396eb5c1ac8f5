import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeRedis, rateLimiterContract, redisUrl } from '@gw/limits/testing';
import { RedisRateLimiter } from './redis-rate-limiter';

describeRedis('RedisRateLimiter', () => {
  const prefix = `switchyard-test:${randomUUID()}:`;
  // Redis's TIME cannot be moved: the cases that move time run on the in-memory adapter; here the
  // reset and Retry-After values are asserted instead.
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
});
