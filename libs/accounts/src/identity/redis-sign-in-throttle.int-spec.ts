import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeIf } from '@gw/shared-kernel/testing';
import { RedisSignInThrottle } from './redis-sign-in-throttle';
import { signInGateContract } from './sign-in-throttle.contract';

const url = process.env.REDIS_URL;
const quiet = { unreachable: () => undefined, recovered: () => undefined };

describeIf(Boolean(url), 'RedisSignInThrottle: REDIS_URL is not set (e.g. redis://127.0.0.1:6379)')(
  'RedisSignInThrottle (redis)',
  () => {
    const prefix = `switchyard-test:${randomUUID()}:signin:`;
    // Two instances, each on its own connection: the rules hold across them.
    signInGateContract('redis, two instances', () => {
      const a = new Redis(url!);
      const b = new Redis(url!);
      return Promise.resolve({
        gate: new RedisSignInThrottle(a, quiet, undefined, prefix),
        twin: new RedisSignInThrottle(b, quiet, undefined, prefix),
        close: async () => {
          await a.quit();
          await b.quit();
        },
      });
    });

    it('Redis not answering: each instance throttles on its own (never unthrottled) and says so once', async () => {
      const redis = new Redis('redis://127.0.0.1:1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      redis.on('error', () => undefined);
      const said: string[] = [];
      const gate = new RedisSignInThrottle(
        redis,
        { unreachable: () => said.push('down'), recovered: () => said.push('up') },
        undefined,
        prefix,
      );
      const outcomes = await Promise.all(Array.from({ length: 12 }, () => gate.admit('user:x', '192.0.2.9')));
      expect(outcomes.filter((o) => o.admitted)).toHaveLength(5);
      expect(said).toEqual(['down']);
      redis.disconnect();
    });
  },
);
