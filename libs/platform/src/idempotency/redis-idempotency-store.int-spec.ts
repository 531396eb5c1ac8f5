import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeIf, eventually } from '@gw/shared-kernel/testing';
import { idempotencyStoreContract } from './idempotency-store.contract';
import { RedisIdempotencyStore } from './redis-idempotency-store';

const url = process.env.REDIS_URL;

describeIf(Boolean(url), 'RedisIdempotencyStore: REDIS_URL is not set (e.g. redis://127.0.0.1:6379)')(
  'RedisIdempotencyStore (redis)',
  () => {
    const prefix = `switchyard-test:${randomUUID()}:idem:`;
    idempotencyStoreContract('redis', () => {
      const a = new Redis(url!);
      const b = new Redis(url!);
      const store = new RedisIdempotencyStore(a, prefix);
      return Promise.resolve({
        store,
        twin: new RedisIdempotencyStore(b, prefix),
        // Redis's clock is its own: the claim must be set to expire within its TTL; then it expires now.
        passTtl: async (scope: string, key: string, ttlMs: number) => {
          const id = store.idOf(scope, key);
          const left = await a.pttl(id);
          expect(left).toBeGreaterThan(0);
          expect(left).toBeLessThanOrEqual(ttlMs);
          await a.pexpire(id, 1);
          await eventually(
            async () => ((await a.exists(id)) === 0 ? true : undefined),
            5_000,
            'the claim expired',
          );
        },
        close: async () => {
          await a.quit();
          await b.quit();
        },
      });
    });

    it('stores neither the key nor the body, and expires answers with their TTL', async () => {
      const redis = new Redis(url!);
      try {
        const store = new RedisIdempotencyStore(redis, prefix);
        const begun = await store.begin('u1', 'secret-key-value', 'fp', 60_000);
        await store.complete(
          'u1',
          'secret-key-value',
          'fp',
          { status: 200, headers: {}, body: '{}' },
          86_400_000,
          begun.state === 'started' ? begun.claim : '',
        );
        const id = store.idOf('u1', 'secret-key-value');
        expect(id).not.toContain('secret-key-value');
        expect(await redis.pttl(id)).toBeGreaterThan(86_000_000);
      } finally {
        await redis.quit();
      }
    });
  },
);
