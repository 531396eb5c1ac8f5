import { once } from 'node:events';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { eventually } from '@gw/shared-kernel/testing';
import { describeRedis, redisUrl } from '@gw/limits/testing';
import { openRedisRateLimiter } from './open-redis-limiter';

/** A port nothing listens on (bound, then closed). */
const closedPort = async (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const limits = { rpm: 3, rph: null, rpd: null, tpm: null };

describe('Redis limiter with fallback: Redis unreachable', () => {
  // That no check waits for the unreachable Redis is shown in fallback-rate-limiter.spec.ts (a shared
  // limiter that never answers is never asked); what it costs is measured by scripts/bench/rate-limits.mjs.
  it('answers from a per-instance limiter with the same limits (never unlimited), and says so once', async () => {
    const events: string[] = [];
    const shared = openRedisRateLimiter(`redis://127.0.0.1:${await closedPort()}`, {
      degraded: (e) => events.push(`degraded: ${e.message}`),
      recovered: () => events.push('recovered'),
    });
    try {
      const subject = randomUUID();
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await shared.limiter.check({ subject, limits, tokens: 0 }));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
      expect(results[3]!.retryAfterMs).toBeGreaterThan(55_000);
      expect(shared.limiter.degraded).toBe(true);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatch(/^degraded/);
      // A check behind a Redis guard is not decided here: the caller asks check().
      const guard = { key: 'k', field: 'f' };
      expect(await shared.limiter.checkBehind({ subject, limits, tokens: 0 }, guard)).toBeUndefined();
    } finally {
      await shared.close();
    }
  });
});

describeRedis('Redis limiter with fallback', () => {
  it('uses Redis when it answers; when its connection drops, the fallback answers at once; back when Redis is', async () => {
    const events: string[] = [];
    const shared = openRedisRateLimiter(
      redisUrl()!,
      { degraded: () => events.push('degraded'), recovered: () => events.push('recovered') },
      { prefix: `switchyard-test:${randomUUID()}:` },
    );
    try {
      await eventually(() => (shared.redis.status === 'ready' ? true : undefined), 5_000, 'the connection');
      const subject = randomUUID();
      expect((await shared.limiter.check({ subject, limits, tokens: 0 })).windows.rpm?.remaining).toBe(2);
      expect(shared.limiter.degraded).toBe(false);
      // The connection drops (as when Redis goes away): the next check does not wait for it.
      const reconnected = once(shared.redis, 'ready');
      shared.redis.disconnect(true);
      const during = await shared.limiter.check({ subject, limits, tokens: 0 });
      expect(during.allowed).toBe(true);
      expect(shared.limiter.degraded).toBe(true);
      await reconnected;
      // Redis counted only what it saw: one before, this one now.
      expect((await shared.limiter.check({ subject, limits, tokens: 0 })).windows.rpm?.remaining).toBe(1);
      expect(events).toEqual(['degraded', 'recovered']);
    } finally {
      await shared.close();
    }
  });
});
