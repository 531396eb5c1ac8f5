import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { describeIf, eventually } from '@gw/shared-kernel/testing';
import { RedisSessionRevocations } from './redis-session-revocations';

const url = process.env.REDIS_URL;
const quiet = { unreachable: () => undefined, recovered: () => undefined };

/** A port that forwards to Redis while `open`, and refuses connections while closed. */
async function switchableRedisPort(target: URL) {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    port,
    open: async () => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    close: async () => {
      if (!server) return;
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      server = undefined;
    },
  };
}

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

    it('a revocation made while Redis is unreachable counts here at once and reaches the others when Redis is back', async () => {
      const gate = await switchableRedisPort(new URL(url!));
      const events: string[] = [];
      const redis = new Redis(gate.port, '127.0.0.1', {
        maxRetriesPerRequest: 1,
        retryStrategy: () => 50,
        lazyConnect: true,
      });
      redis.on('error', () => undefined);
      clients.push(redis);
      const cut = new RedisSessionRevocations(
        redis,
        60_000,
        { unreachable: () => events.push('unreachable'), recovered: () => events.push('recovered') },
        { stream, pollMs: 100 },
      );
      lists.push(cut);
      await cut.start(); // Redis unreachable: the start does not wait for it
      const other = await open();
      const sid = randomUUID();
      await cut.revoke(sid, Date.now() + 60_000);
      expect(cut.isRevoked(sid)).toBe(true);
      expect(events).toEqual(['unreachable']);
      await gate.open();
      await eventually(
        () => (other.isRevoked(sid) ? true : undefined),
        5_000,
        'the revocation written later',
      );
      // The other instance may read the entry before this one's poll finishes its own read and
      // reports the recovery: the recovery is awaited as a condition too.
      await eventually(() => (events.length === 2 ? true : undefined), 5_000, 'the recovery');
      expect(events).toEqual(['unreachable', 'recovered']);
      await cut.close();
      await gate.close();
    });
  },
);
