import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Counter } from 'prom-client';
import type { Principal } from '@gw/accounts';
import { openRedisRateLimiter, RateLimitPolicyView, RateLimits, type FallbackRateLimiter } from '@gw/limits';
import { describeRedis, redisUrl } from '@gw/limits/testing';
import { eventually, startTcpProxy } from '@gw/shared-kernel/testing';
import {
  BUDGET_REDIS_TIMEOUT_MS,
  BudgetLedger,
  DEFAULT_BILLING_POLICY,
  FallbackBudgetStore,
  InMemoryBudgetStore,
  RedisBudgetStore,
  type ChargeCandidate,
} from '@gw/usage-billing';
import { BudgetGate, InsufficientQuotaError } from '../billing/budget-gate';
import type { ChatCompletionDto } from '../chat/chat-completion.dto';
import { RateLimitExceededError, RateLimitGate } from './rate-limit-gate';

/** A proxy to Redis that counts the scripts sent through it and can keep Redis's answers back. */
async function startHoldingProxy(target: URL) {
  let evalshas = 0;
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) }, (chunk) => {
    evalshas += chunk.toString('latin1').toLowerCase().split('evalsha').length - 1;
  });
  return { ...proxy, url: `redis://127.0.0.1:${proxy.port}`, evalshas: () => evalshas, close: proxy.cut };
}

/** A model that costs exactly its per-request fee, charged at cost. */
const flat = (feeMicros: bigint): ChargeCandidate[] => [
  {
    prices: { inputPerMillion: 0n, outputPerMillion: 0n, cachedInputPerMillion: 0n, perRequest: feeMicros },
    maxOutputTokens: 100,
    basis: { powerLevel: 'precision', tier: 'free', keySource: 'platform' },
  },
];

const DTO = { model: 'm', messages: [{ role: 'user', content: 'hi' }] } as unknown as ChatCompletionDto;
const observer = { degraded: () => undefined, recovered: () => undefined };
const counter = (labelNames: string[]) =>
  new Counter({ name: `c_${randomUUID().replace(/-/g, '')}`, help: 'h', labelNames, registers: [] });

/**
 * The chat hot path's two Redis steps as the gateway composes them (full mode): the budget's hold
 * and the rate-limit check behind it on the same connection, so an admitted request costs one round
 * trip before the upstream call, and a request the budget refuses still takes no rate-limit slot.
 */
describeRedis('the rate-limit check behind the budget hold', () => {
  const prefix = `switchyard-test:${randomUUID()}:`;
  let proxy: Awaited<ReturnType<typeof startHoldingProxy>>;
  let redis: Redis;
  let budget: BudgetGate;
  let limiter: FallbackRateLimiter;
  let limits: RateLimitGate;
  let closeLimiter: () => Promise<void>;
  const ledger = new BudgetLedger();

  const principal = (userId: string): Principal => ({
    userId,
    keyId: 'k',
    roles: ['user'],
    tier: 'free', // 10 requests a minute
    powerLevel: 'precision',
  });
  const grant = (userId: string, micros: bigint) =>
    ledger.applyGrant({
      userId,
      grantId: 'signup',
      kind: 'promotion',
      amountMicros: micros.toString(),
      reason: 'r',
      grantedBy: 's',
      grantedAt: new Date().toISOString(),
    });

  /** One request's admission, as ChatService runs it: the hold, the check sent behind it, its answer. */
  async function admit(userId: string, feeMicros: bigint) {
    let behind: Promise<Record<string, string> | undefined> | undefined;
    const hold = await budget.reserve(
      userId,
      randomUUID(),
      flat(feeMicros),
      { promptTokens: 10, maxOutputTokens: undefined, choices: 1 },
      (guard) => {
        behind = limits.admitBehind(principal(userId), DTO, guard, 10);
        behind.catch(() => undefined);
      },
    );
    return { hold, behind };
  }

  beforeAll(async () => {
    proxy = await startHoldingProxy(new URL(redisUrl()!));
    redis = new Redis(proxy.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    await eventually(async () => (redis.status === 'ready' ? true : undefined), 5_000, 'redis ready');
    const store = new FallbackBudgetStore(
      new RedisBudgetStore(redis, prefix, BUDGET_REDIS_TIMEOUT_MS),
      new InMemoryBudgetStore(),
      () => redis.status === 'ready',
      observer,
    );
    const clock = { now: () => new Date() };
    budget = new BudgetGate(
      ledger,
      store,
      () => undefined,
      () => DEFAULT_BILLING_POLICY,
      clock,
      counter(['reason']),
      () => Promise.resolve(),
      () => Promise.resolve(undefined),
      pino({ level: 'silent' }),
    );
    const shared = openRedisRateLimiter(redisUrl()!, observer, {
      prefix,
      client: redis,
      behindDeadlineMs: BUDGET_REDIS_TIMEOUT_MS, // as startRateLimits gives it
    });
    limiter = shared.limiter;
    closeLimiter = shared.close;
    limits = new RateLimitGate(
      new RateLimits(new RateLimitPolicyView(), limiter),
      counter(['tier', 'dimension']),
    );
  });
  afterAll(async () => {
    await closeLimiter?.();
    redis?.disconnect();
    await proxy?.close();
  });

  it('an admitted request: the check is sent before the hold has answered, and it decides', async () => {
    const user = randomUUID();
    grant(user, 1_000_000n);
    (await admit(user, 1_000n)).hold.release(); // the scripts are loaded (EVALSHA from now on)
    const check = jest.spyOn(limiter, 'check');
    await redis.ping(); // behind any release still on its way: the count is settled
    const before = proxy.evalshas();
    proxy.hold();
    const admitting = admit(user, 1_000n);
    // Both scripts reached Redis while no answer had come back: one round trip for both.
    await eventually(async () => (proxy.evalshas() - before >= 2 ? true : undefined), 5_000, 'both sent');
    expect(proxy.evalshas() - before).toBe(2);
    proxy.release();
    const { hold, behind } = await admitting;
    const headers = await behind;
    expect(headers).toMatchObject({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '8',
    });
    expect(check).not.toHaveBeenCalled();
    hold.release();
    check.mockRestore();
  });

  it('a slow Redis: the check behind the hold waits as long as the hold may, and counts once', async () => {
    // Under a burst the check's answer queues behind every hold sent before it on the connection.
    // Timed out at the limiter's own 100 ms, it would be asked again after the hold and count twice.
    const user = randomUUID();
    grant(user, 1_000_000n);
    await redis.ping(); // behind any release still on its way: the count is settled
    const before = proxy.evalshas();
    proxy.hold();
    const admitting = admit(user, 1_000n);
    await eventually(async () => (proxy.evalshas() - before >= 2 ? true : undefined), 5_000, 'both sent');
    const heldFor = 300; // past the limiter's deadline (100 ms), within the hold's (1 s)
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        proxy.release();
        resolve();
      }, heldFor),
    );
    const { hold, behind } = await admitting;
    await released;
    expect(await behind).toMatchObject({ 'x-ratelimit-remaining-requests': '9' });
    expect(proxy.evalshas() - before).toBe(2); // nothing asked again
    expect(limiter.degraded).toBe(false);
    hold.release();
  });

  it('a request the budget refuses takes no rate-limit slot', async () => {
    const user = randomUUID();
    grant(user, 5_000n);
    let behind: Promise<Record<string, string> | undefined> | undefined;
    const refused = await budget
      .reserve(
        user,
        randomUUID(),
        flat(10_000n),
        { promptTokens: 10, maxOutputTokens: undefined, choices: 1 },
        (guard) => {
          behind = limits.admitBehind(principal(user), DTO, guard, 10);
        },
      )
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InsufficientQuotaError);
    expect(behind).toBeDefined();
    expect(await behind).toBeUndefined(); // the guard was missing: nothing checked or counted
    const next = await admit(user, 1_000n);
    expect(await next.behind).toMatchObject({ 'x-ratelimit-remaining-requests': '9' });
    next.hold.release();
  });

  it('past the limit the check behind the hold is a 429, and the hold is released by its request', async () => {
    const user = randomUUID();
    grant(user, 1_000_000n);
    for (let i = 0; i < 10; i++) {
      const { hold, behind } = await admit(user, 1_000n);
      await behind;
      hold.release();
    }
    const { hold, behind } = await admit(user, 1_000n);
    const refused = await behind!.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitExceededError);
    expect((refused as RateLimitExceededError).toErrorResponse().headers).toMatchObject({
      'x-ratelimit-remaining-requests': '0',
    });
    hold.release();
    await eventually(
      async () => ((await budget.view(user)).reservedMicros === 0n ? true : undefined),
      5_000,
      'the hold released',
    );
  });
});
