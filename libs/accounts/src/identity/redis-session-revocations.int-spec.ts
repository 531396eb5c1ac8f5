import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeIf, eventually } from '@gw/shared-kernel/testing';
import { RedisSessionRevocations } from './redis-session-revocations';

const url = process.env.REDIS_URL;
const quiet = { unreachable: () => undefined, recovered: () => undefined };

describeIf(Boolean(url), 'RedisSessionRevocations: REDIS_URL is not set (e.g. redis://127.0.0.1:6379)')(
  'RedisSessionRevocations (redis)',
  () => {
    const stream = `switchyard-test:${randomUUID()}:revoked-sessions`;
    const clients: Redis[] = [];
    const lists: RedisSessionRevocations[] = [];
    const open = async (pollMs = 100): Promise<RedisSessionRevocations> => {
      const redis = new Redis(url!);
      clients.push(redis);
      const list = new RedisSessionRevocations(redis, 60_000, quiet, { stream, pollMs });
      lists.push(list);
      await list.start();
      return list;
    };
    afterAll(async () => {
      for (const list of lists) await list.close();
      await clients[0]?.del(stream);
      for (const c of clients) c.disconnect();
    });

    it('a session revoked on one instance is refused there at once and on another within its poll', async () => {
      const a = await open();
      const b = await open();
      const sid = randomUUID();
      expect(b.isRevoked(sid)).toBe(false);
      await a.revoke(sid, Date.now() + 60_000);
      expect(a.isRevoked(sid)).toBe(true);
      // Waited for as a condition (b reads the stream every second); no wall-clock bound beside it.
      await eventually(() => (b.isRevoked(sid) ? true : undefined), 5_000, 'the revocation on b');
      expect(b.isRevoked(randomUUID())).toBe(false);
    });

    it('an instance started later knows the revocations still in force, not the expired ones', async () => {
      const a = await open();
      const live = randomUUID();
      const expired = randomUUID();
      await a.revoke(live, Date.now() + 60_000);
      await a.revoke(expired, Date.now() + 50);
      await eventually(() => (a.isRevoked(expired) ? undefined : true), 5_000, 'the short revocation to end');
      const late = await open(60_000); // its first read is the start itself
      expect(late.isRevoked(live)).toBe(true);
      expect(late.isRevoked(expired)).toBe(false);
    });

    it('the stream stores session ids and expiries only', async () => {
      const a = await open();
      const sid = randomUUID();
      await a.revoke(sid, Date.now() + 60_000);
      const entries = await clients[0]!.xrange(stream, '-', '+');
      const last = entries[entries.length - 1]!;
      expect(last[1]).toEqual(['sid', sid, 'until', expect.stringMatching(/^\d+$/)]);
    });
  },
);
