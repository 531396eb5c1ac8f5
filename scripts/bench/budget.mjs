#!/usr/bin/env node
// Cost of the chat hot path's budget step (issue 9): `node scripts/build.mjs --out /tmp/x &&
// BENCH_DIST=/tmp/x node scripts/bench/budget.mjs` (REDIS_URL for the Redis numbers). Reports µs per
// request for the worst-case price, for hold + settle on the in-memory store (embedded mode, the
// BudgetGate as the chat path calls it), and on Redis one at a time (two round trips) and the
// gateway's CPU per request under 32 concurrent requests; then the full-mode admission (hold +
// rate-limit check + settle) with the check after the hold's answer and behind it.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dist = path.resolve(root, process.env.BENCH_DIST || 'dist');
const billing = require(path.join(dist, 'libs/usage-billing/src/index.js'));
const { BudgetGate } = require(path.join(dist, 'apps/gateway/src/billing/budget-gate.js'));
const { BudgetLedger, InMemoryBudgetStore, RedisBudgetStore, DEFAULT_BILLING_POLICY, worstCaseChargeMicros } =
  billing;

const N = Number(process.env.BENCH_ITERATIONS || 100_000);
const us = (ns, n) => (Number(ns) / 1e3 / n).toFixed(2);
const prices = { inputPerMillion: 150_000n, outputPerMillion: 600_000n, cachedInputPerMillion: 75_000n };
// Three candidates (the walk's attempts), balanced, professional, the platform's key.
const candidates = [0, 1, 2].map(() => ({
  prices,
  maxOutputTokens: 16_384,
  basis: { powerLevel: 'balanced', tier: 'professional', keySource: 'platform' },
}));
const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
const silent = { warn: () => undefined, info: () => undefined, error: () => undefined };
const counter = { inc: () => undefined };

{
  for (let i = 0; i < 5_000; i++) worstCaseChargeMicros(candidates, 20, 64, DEFAULT_BILLING_POLICY);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) worstCaseChargeMicros(candidates, 20, 64, DEFAULT_BILLING_POLICY);
  console.log(`worst case, 3 candidates:                      ${us(process.hrtime.bigint() - t0, N)} µs`);
}

/** A gate over `store` whose ledger knows every user (granted $1,000, sign-up credits in). */
function gateOver(store) {
  const ledger = new BudgetLedger();
  for (const userId of users) {
    ledger.applyGrant({
      userId,
      grantId: 'signup',
      kind: 'promotion',
      amountMicros: '1000000000',
      reason: 'b',
      grantedBy: 's',
      grantedAt: 'x',
    });
  }
  return new BudgetGate(
    ledger,
    store,
    () => ({ monthlyCapMicros: '100000000000', capMode: 'hard' }),
    () => DEFAULT_BILLING_POLICY,
    { now: () => new Date() },
    counter,
    () => Promise.resolve(),
    () => Promise.resolve(undefined),
    silent,
  );
}

async function holdAndSettle(gate, i) {
  const hold = await gate.reserve(users[i % users.length], `r-${i}`, candidates, 20, 64);
  await hold.settle(1n);
  hold.release();
}

{
  const gate = gateOver(new InMemoryBudgetStore());
  for (let i = 0; i < 20_000; i++) await holdAndSettle(gate, i);
  const t0 = process.hrtime.bigint();
  for (let i = 20_000; i < 20_000 + N; i++) await holdAndSettle(gate, i);
  console.log(`in-memory hold + settle, 10k users:            ${us(process.hrtime.bigint() - t0, N)} µs`);
}

if (process.env.REDIS_URL) {
  const { Redis } = require('ioredis');
  const redis = new Redis(process.env.REDIS_URL);
  const gate = gateOver(new RedisBudgetStore(redis, `switchyard-bench:${Date.now()}:budget:`));
  const M = Math.min(N, 20_000);
  for (let i = 0; i < 2_000; i++) await holdAndSettle(gate, i);
  let t0 = process.hrtime.bigint();
  for (let i = 2_000; i < 2_000 + M; i++) await holdAndSettle(gate, i);
  console.log(`redis hold + settle, one at a time (2 trips):  ${us(process.hrtime.bigint() - t0, M)} µs`);
  const cpu0 = process.cpuUsage();
  t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < M) await holdAndSettle(gate, 100_000 + next++);
    }),
  );
  const wall = process.hrtime.bigint() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `redis hold + settle, 32 concurrent: ${us(wall, M)} µs wall, ${((cpu.user + cpu.system) / M).toFixed(2)} µs gateway CPU per request`,
  );

  // The admission as the chat path runs it in full mode: the hold and the rate-limit check, then the
  // settlement; the check after the hold's answer (two round trips before the upstream call) or sent
  // behind it on the same connection (one). Limits high enough never to refuse.
  const limitsLib = require(path.join(dist, 'libs/limits/src/index.js'));
  const { RateLimitGate } = require(path.join(dist, 'apps/gateway/src/limits/rate-limit-gate.js'));
  const high = { rpm: 1e9, rph: 1e9, rpd: 1e9, tpm: 1e12 };
  const rateLimits = new limitsLib.RateLimits(
    { limitsOf: () => high },
    new limitsLib.RedisRateLimiter(redis, { prefix: `switchyard-bench:${Date.now()}:rl:` }),
  );
  const limitGate = new RateLimitGate(rateLimits, counter);
  const fallbackGate = gateOver(
    new billing.FallbackBudgetStore(
      new RedisBudgetStore(redis, `switchyard-bench:${Date.now()}:budget2:`),
      new InMemoryBudgetStore(),
      () => redis.status === 'ready',
      { degraded: () => undefined, recovered: () => undefined },
    ),
  );
  const dto = { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 64 };
  const principalOf = (i) => ({ userId: users[i % users.length], tier: 'professional' });
  const admissions = {
    async after(i) {
      const hold = await fallbackGate.reserve(principalOf(i).userId, `a-${i}`, candidates, 20, 64);
      await limitGate.admit(principalOf(i), dto, 20);
      await hold.settle(1n);
      hold.release();
    },
    async behind(i) {
      let checked;
      const hold = await fallbackGate.reserve(
        principalOf(i).userId,
        `b-${i}`,
        candidates,
        20,
        64,
        (guard) => {
          checked = limitGate.admitBehind(principalOf(i), dto, guard, 20);
        },
      );
      if (!(await checked)) throw new Error('the check behind the hold was not decided');
      await hold.settle(1n);
      hold.release();
    },
  };
  for (const [name, run] of Object.entries(admissions)) for (let i = 0; i < 2_000; i++) await run(i);
  // Alternating rounds, so drift on the box falls on both alike.
  const total = { after: 0n, behind: 0n };
  const R = 4;
  for (let round = 0; round < R; round++)
    for (const [name, run] of Object.entries(admissions)) {
      const base = 1_000_000 * (round + 1);
      const t = process.hrtime.bigint();
      for (let i = base; i < base + M / R; i++) await run(i);
      total[name] += process.hrtime.bigint() - t;
    }
  console.log(`redis hold + check + settle, check after the hold:  ${us(total.after, M)} µs (3 trips)`);
  console.log(`redis hold + check + settle, check behind the hold: ${us(total.behind, M)} µs (2 trips)`);
  await redis.quit();
}
