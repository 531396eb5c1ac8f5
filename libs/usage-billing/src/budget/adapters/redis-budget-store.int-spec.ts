import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import knexFactory from 'knex';
import { describeIf, eventually } from '@gw/shared-kernel/testing';
import { openSharedBudgetStore } from './open-budget-store';
import { budgetStoreContract } from '../testing/budget-store.contract';
import { BUDGET_KEY_TTL_MS, RedisBudgetStore } from './redis-budget-store';

const url = process.env.REDIS_URL;

describeIf(Boolean(url), 'RedisBudgetStore: REDIS_URL is not set (e.g. redis://127.0.0.1:6379)')(
  'RedisBudgetStore (redis)',
  () => {
    const prefix = `switchyard-test:${randomUUID()}:budget:`;
    budgetStoreContract('redis', () => {
      const a = new Redis(url!);
      const b = new Redis(url!); // a second instance: its own connection
      return Promise.resolve({
        store: new RedisBudgetStore(a, prefix),
        twin: new RedisBudgetStore(b, prefix),
        close: async () => {
          await a.quit();
          await b.quit();
        },
      });
    });

    it('closing the store is no outage: nothing is reported, no reservation moves', async () => {
      const reported: string[] = [];
      const knex = knexFactory({ client: 'pg' }); // never asked: Redis answers
      const shared = openSharedBudgetStore(
        url!,
        knex,
        { degraded: (e) => reported.push(`down: ${e.message}`), recovered: () => reported.push('up') },
        prefix,
      );
      await eventually(async () => (shared.redis.status === 'ready' ? true : undefined), 5_000, 'Redis');
      const ended = once(shared.redis, 'end'); // after its 'close'
      await shared.close();
      await ended;
      expect(reported).toEqual([]);
      expect(shared.store.degraded).toBe(false);
      await knex.destroy();
    });

    it("keys are one hash slot per user and expire well after a month's counters are needed", async () => {
      const redis = new Redis(url!);
      try {
        const store = new RedisBudgetStore(redis, prefix);
        const user = randomUUID();
        await store.reserve({
          userId: user,
          reservationId: 'r',
          amountMicros: 1n,
          month: '2026-12',
          ttlMs: 1_000,
          seen: { balanceMicros: 10n, monthSpendMicros: 0n, settledMicros: 0n, monthSettledMicros: 0n },
          hardCapMicros: null,
        });
        const keys = store.keysOf(user);
        expect(keys[0]).toBe(`${prefix}{${user}}:b`);
        for (const key of keys) {
          const ttl = await redis.pttl(key);
          expect(ttl).toBeGreaterThan(BUDGET_KEY_TTL_MS - 60_000);
          expect(ttl).toBeLessThanOrEqual(BUDGET_KEY_TTL_MS);
        }
      } finally {
        await redis.quit();
      }
    });
  },
);
