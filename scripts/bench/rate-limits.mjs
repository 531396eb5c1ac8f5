#!/usr/bin/env node
// Cost of the chat hot path's rate-limit check (issue 9): `node scripts/build.mjs --out /tmp/x &&
// BENCH_DIST=/tmp/x node scripts/bench/rate-limits.mjs` (REDIS_URL for the Redis numbers). Reports
// µs per check for the in-memory limiter, and for Redis the round trip one at a time, the gateway's
// CPU per check under 32 concurrent checks, and the memory one user's windows take at the top limits;
// and the per-instance fallback's check while Redis is unreachable.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dist = path.resolve(root, process.env.BENCH_DIST || 'dist');
const { InMemoryRateLimiter, RedisRateLimiter, DEFAULT_RATE_LIMITS, openRedisRateLimiter } = require(
  path.join(dist, 'libs/limits/src/index.js'),
);
const { admissionTokens } = require(path.join(dist, 'apps/gateway/src/limits/rate-limit-gate.js'));

const N = Number(process.env.BENCH_ITERATIONS || 200_000);
const pro = DEFAULT_RATE_LIMITS.professional;
const us = (ns, n) => (Number(ns) / 1e3 / n).toFixed(2);

// Token estimate at admission (the prompt of the benchmark's requests: one short user message).
{
  const dto = { messages: [{ role: 'user', content: 'Say hello in one short sentence.' }], max_tokens: 64 };
  for (let i = 0; i < 2_000; i++) admissionTokens(dto);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 20_000; i++) admissionTokens(dto);
  console.log(`admission token estimate (short prompt):      ${us(process.hrtime.bigint() - t0, 20_000)} µs`);
}

// In memory: 10,000 users round-robin (each well under its limits), then one user at a full day's log.
{
  const limiter = new InMemoryRateLimiter();
  const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
  for (let i = 0; i < 20_000; i++)
    limiter.decide({ subject: users[i % users.length], limits: pro, tokens: 50 });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) limiter.decide({ subject: users[i % users.length], limits: pro, tokens: 50 });
  console.log(`in-memory check, 10k users:                   ${us(process.hrtime.bigint() - t0, N)} µs`);

  const top = { rpm: null, rph: null, rpd: 50_000, tpm: null };
  const before = (global.gc?.(), process.memoryUsage().heapUsed);
  const full = new InMemoryRateLimiter();
  for (let i = 0; i < 50_000; i++) full.decide({ subject: 'heavy', limits: top, tokens: 0 });
  const after = (global.gc?.(), process.memoryUsage().heapUsed);
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < 20_000; i++) full.decide({ subject: 'heavy', limits: top, tokens: 0 });
  console.log(
    `in-memory check, one user at 50,000 per day:  ${us(process.hrtime.bigint() - t1, 20_000)} µs (refused path)`,
  );
  console.log(
    `in-memory log of 50,000 requests:             ${((after - before) / 1024).toFixed(0)} KiB${global.gc ? '' : ' (run with --expose-gc for a clean number)'}`,
  );
}

// Redis unreachable: the fallback limiter answers from memory without waiting for Redis per check
// (moved here from fallback-rate-limiter.int-spec.ts, which asserted < 100 ms for 5 checks).
{
  const { createServer } = await import('node:net');
  const port = await new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => server.close(() => resolve(server.address()?.port ?? 1)));
  });
  const shared = openRedisRateLimiter(`redis://127.0.0.1:${port}`, {
    degraded: () => undefined,
    recovered: () => undefined,
  });
  const users = Array.from({ length: 1_000 }, (_, i) => `user-${i}`);
  const first = process.hrtime.bigint();
  await shared.limiter.check({ subject: 'first', limits: pro, tokens: 50 });
  const firstUs = Number(process.hrtime.bigint() - first) / 1e3;
  const M = Math.min(N, 20_000);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < M; i++)
    await shared.limiter.check({ subject: users[i % 1_000], limits: pro, tokens: 50 });
  console.log(
    `fallback check, Redis unreachable:            ${us(process.hrtime.bigint() - t0, M)} µs (first check ${firstUs.toFixed(0)} µs)`,
  );
  await shared.close();
}

if (process.env.REDIS_URL) {
  const { Redis } = require('ioredis');
  const redis = new Redis(process.env.REDIS_URL);
  const prefix = `switchyard-bench:${Date.now()}:`;
  const limiter = new RedisRateLimiter(redis, { prefix });
  const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
  const M = Math.min(N, 20_000);
  for (let i = 0; i < 2_000; i++)
    await limiter.check({ subject: users[i % 10_000], limits: pro, tokens: 50 });
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < M; i++) await limiter.check({ subject: users[i % 10_000], limits: pro, tokens: 50 });
  console.log(`redis check, one at a time (round trip):      ${us(process.hrtime.bigint() - t0, M)} µs`);

  const cpu0 = process.cpuUsage();
  t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < M) {
        const i = next++;
        await limiter.check({ subject: users[i % 10_000], limits: pro, tokens: 50 });
      }
    }),
  );
  const wall = process.hrtime.bigint() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `redis check, 32 concurrent: wall per check    ${us(wall, M)} µs; gateway CPU per check ${((cpu.user + cpu.system) / M).toFixed(2)} µs`,
  );

  // Memory at the top limits: professional's 50,000 per day, enterprise's 20,000 per hour (+ tpm log).
  for (const [label, limits, n] of [
    ['professional, 50,000 requests in a day', { rpm: null, rph: null, rpd: 50_000, tpm: null }, 50_000],
    ['enterprise, 20,000 requests in an hour', { rpm: null, rph: 20_000, rpd: null, tpm: null }, 20_000],
    ['free, 500 requests in a day', { rpm: null, rph: null, rpd: 500, tpm: null }, 500],
  ]) {
    const subject = `heavy-${label.split(',')[0]}`;
    let i = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (i++ < n) await limiter.check({ subject, limits, tokens: 1 });
      }),
    );
    const keys = limiter.keysOf(subject);
    const bytes = (await Promise.all(keys.map((k) => redis.memory('USAGE', k)))).reduce(
      (a, b) => a + (b ?? 0),
      0,
    );
    console.log(
      `redis memory, ${label}: ${(bytes / 1024).toFixed(0)} KiB (${(bytes / n).toFixed(0)} B per request; request log only)`,
    );
    await redis.del(...keys);
  }
  // The token log holds one entry per request of the last minute only (at most the tier's rpm).
  {
    const subject = 'heavy-tokens';
    const limits = { rpm: null, rph: null, rpd: null, tpm: 2_000_000 };
    for (let i = 0; i < 500; i++) await limiter.check({ subject, limits, tokens: 100 });
    const keys = limiter.keysOf(subject);
    const bytes = (await Promise.all(keys.map((k) => redis.memory('USAGE', k)))).reduce(
      (a, b) => a + (b ?? 0),
      0,
    );
    console.log(
      `redis memory, token log of 500 requests in a minute (enterprise rpm): ${(bytes / 1024).toFixed(0)} KiB`,
    );
    await redis.del(...keys);
  }
  let cursor = '0';
  do {
    const [c, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = c;
    if (found.length) await redis.del(...found);
  } while (cursor !== '0');
  redis.disconnect();
}
