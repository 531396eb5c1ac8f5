import OpenAI from 'openai';
import request from 'supertest';
import { postgresUrl } from '@gw/database/testing';
import { startMockProvider, type MockProvider } from '@gw/providers';
import type { EventStore } from '@gw/eventstore';
import { describeIf, eventually, startTcpProxy, type TcpProxy } from '@gw/shared-kernel/testing';
import { createServer, type Server } from 'node:http';
import { newUser as newAccount } from './support/accounts';
import { startExtraInstance, type ExtraInstance } from './support/extra-instance';

import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * Spending caps and balances, end to end: the worst case is held before the upstream call, settled
 * after, released on failures; hard caps and empty balances are 402s, exactly, on one instance
 * (memory), three sharing Redis, and three with Redis down (PostgreSQL).
 */

const PROVIDER = 'penny-co';
const PENNY = `${PROVIDER}/penny`; // exactly $0.01 a request
const DIME = `${PROVIDER}/dollar`; // exactly $1.00 a request
const as = (baseUrl: string, key: string) => ({
  get: (p: string) => request(baseUrl).get(p).set('authorization', `Bearer ${key}`),
  post: (p: string) => request(baseUrl).post(p).set('authorization', `Bearer ${key}`),
  put: (p: string) => request(baseUrl).put(p).set('authorization', `Bearer ${key}`),
});

/** An admin-registered provider at `upstream` whose models cost a flat fee per request, nothing per token. */
async function flatFeeProvider(
  gw: TestGateway,
  slug: string,
  upstream: { readonly url: string },
  models: ReadonlyArray<readonly [model: string, feeMicros: string]>,
): Promise<void> {
  const admin = as(gw.baseUrl, gw.adminKey);
  await admin
    .post('/api/v1/admin/providers')
    .send({
      slug,
      name: slug,
      kind: 'openai-compatible',
      baseUrl: `${upstream.url}/v1`,
      apiKey: `sk-${slug}-platform-key`,
    })
    .expect(201);
  for (const [model, fee] of models) await addModel(gw, slug, model, { perRequestMicros: fee });
}

/** A model of `provider` that costs nothing per token unless `prices` says otherwise. */
async function addModel(
  gw: TestGateway,
  provider: string,
  model: string,
  prices: Record<string, string>,
  maxOutputTokens = 1_000,
): Promise<void> {
  await as(gw.baseUrl, gw.adminKey)
    .post('/api/v1/admin/models')
    .send({
      provider,
      model,
      displayName: model,
      prices: { inputPerMillionMicros: '0', outputPerMillionMicros: '0', ...prices },
      contextWindow: 8_000,
      maxOutputTokens,
      capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
      quality: 0.5,
      powerLevels: ['eco', 'balanced', 'precision'],
    })
    .expect(201);
}

/**
 * The flat-fee catalog, charged at cost (every multiplier 1×, every markup 0 %): each answer is
 * charged exactly its fee.
 */
async function flatFeeCatalog(
  gw: TestGateway,
  upstream: { readonly url: string },
  slug = PROVIDER,
  models: ReadonlyArray<readonly [model: string, feeMicros: string]> = [
    ['penny', '10000'],
    ['dollar', '1000000'],
  ],
): Promise<void> {
  await flatFeeProvider(gw, slug, upstream, models);
  await as(gw.baseUrl, gw.adminKey)
    .put('/api/v1/admin/billing/policy')
    .send({
      powerLevelMultiplierBps: { eco: 10_000, balanced: 10_000, precision: 10_000 },
      tierMarkupBps: { free: 0, starter: 0, professional: 0, enterprise: 0 },
    })
    .expect(200);
}

/** A new account of `tier` (professional by default) with a gateway key. */
const newUser = (gw: TestGateway, tier = 'professional') => newAccount(gw.baseUrl, gw.adminKey, tier);

const chat = (baseUrl: string, apiKey: string, model: string, extra: Record<string, unknown> = {}) =>
  fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
  }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.text() }));

/** How many events of each type the log holds for this user. */
async function eventCounts(store: EventStore, userId: string): Promise<Record<string, number>> {
  const events = await store.readAll({ eventTypes: ['RequestRouted', 'UsageRecorded', 'ChargeSettled'] });
  const counts: Record<string, number> = { RequestRouted: 0, UsageRecorded: 0, ChargeSettled: 0 };
  for (const e of events)
    if ((e.data as { userId?: string }).userId === userId) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}

/** A new user with a $1.00 hard monthly cap, once every instance knows the cap, the model and the policy. */
async function cappedUser(
  gw: TestGateway,
  instances: readonly string[],
  model: string,
): Promise<{ id: string; apiKey: string }> {
  const user = await newUser(gw);
  await as(gw.baseUrl, user.apiKey)
    .put('/api/v1/me/settings')
    .send({ monthlyCapMicros: '1000000', capMode: 'hard' })
    .expect(200);
  // Every instance has the key, the cap, the model and the policy, and the sign-up credits ($5: the cap binds).
  for (const url of instances)
    await eventually(
      async () => {
        const settings = await as(url, user.apiKey).get('/api/v1/me/settings');
        const policy = await as(url, gw.adminKey).get('/api/v1/admin/billing/policy');
        const credits = await as(url, user.apiKey).get('/api/v1/me/credits');
        const models = await as(url, user.apiKey).get('/v1/models');
        return settings.body.capMode === 'hard' &&
          policy.body.tierMarkupBps?.professional === 0 &&
          credits.body.availableMicros === '5000000' &&
          (models.body.data as Array<{ id: string }> | undefined)?.some((m) => m.id === model)
          ? true
          : undefined;
      },
      15_000,
      `the user's cap, credits and the model on ${url}`,
    );
  return user;
}

/** 1,000 concurrent requests for $0.01 each under a $1.00 hard cap, spread over the instances. */
async function capUnderLoad(gw: TestGateway, instances: readonly string[]): Promise<void> {
  const user = await cappedUser(gw, instances, PENNY);
  const responses = await Promise.all(
    Array.from({ length: 1_000 }, (_, i) => chat(instances[i % instances.length]!, user.apiKey, PENNY)),
  );
  const byStatus: Record<number, number> = {};
  for (const r of responses) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  expect(byStatus).toEqual({ 200: 100, 402: 900 });
  for (const r of responses) {
    if (r.status === 200) expect(r.headers.get('x-switchyard-charge-micros')).toBe('10000');
    else {
      const error = JSON.parse(r.body).error;
      expect(error).toMatchObject({ code: 'insufficient_quota', type: 'insufficient_quota' });
      expect(error.message).toContain('hard monthly spending cap of $1.00');
    }
  }
  // Committed before each answer; readers of a shared PostgreSQL may see the last ones a moment later.
  const counts = await eventually(
    async () => {
      const c = await eventCounts(gw.gateway.runtime.eventStore, user.id);
      return c.UsageRecorded! >= 100 ? c : undefined;
    },
    15_000,
    'the answered requests in the log',
  );
  expect(counts).toEqual({ RequestRouted: 100, UsageRecorded: 100, ChargeSettled: 100 });
  // 900 budget refusals are not provider failures: its circuit stays closed.
  expect(gw.gateway.runtime.chatContext.health.isAvailable(PROVIDER)).toBe(true);
  let last: unknown;
  for (const url of instances)
    await eventually(
      async () => {
        const { body } = await as(url, user.apiKey).get('/api/v1/me/credits').expect(200);
        // Settling runs after each answer is sent: every hold is gone once the last one is done.
        last = body;
        return body.balanceMicros === '4000000' && body.reservedMicros === '0' ? body : undefined;
      },
      15_000,
      `the settled balance on ${url}`,
    )
      .catch((e: Error) => {
        throw new Error(`${e.message}; last seen ${JSON.stringify(last)}`);
      })
      .then((body) =>
        expect(body).toMatchObject({
          reservedMicros: '0',
          availableMicros: '4000000',
          monthSpendMicros: '1000000',
          monthlyCapMicros: '1000000',
          capMode: 'hard',
        }),
      );
}

describe('spending caps and balances (embedded: in-memory budget store)', () => {
  let gw: TestGateway;
  let upstream: MockProvider;
  let failing: MockProvider;
  beforeAll(async () => {
    upstream = await startMockProvider({ models: ['penny', 'dollar', 'wordy'] });
    failing = await startMockProvider({ models: ['penny'] });
    failing.failWith(503);
    gw = await startTestGateway('pglite');
    await flatFeeCatalog(gw, upstream);
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
    await failing?.close();
  });

  it('1,000 concurrent requests, $1.00 hard cap, $0.01 each: exactly 100 answered, 900 × 402, one UsageRecorded each', async () => {
    await capUnderLoad(gw, [gw.baseUrl]);
  });

  it('an empty balance is a 402 that says so and how to add credits; nothing reaches the provider', async () => {
    const user = await newUser(gw);
    const before = upstream.stats().requests;
    for (let i = 0; i < 5; i++) expect((await chat(gw.baseUrl, user.apiKey, DIME)).status).toBe(200);
    expect(upstream.stats().requests).toBe(before + 5);
    const refused = await chat(gw.baseUrl, user.apiKey, DIME);
    expect(refused.status).toBe(402);
    const error = JSON.parse(refused.body).error;
    expect(error).toMatchObject({ code: 'insufficient_quota', type: 'insufficient_quota', param: null });
    expect(error.message).toContain('credit balance is too low');
    expect(error.message).toContain('up to $1.00 and $0.00 is available');
    expect(error.message).toContain('POST /api/v1/me/credits/checkout');
    expect(upstream.stats().requests).toBe(before + 5);
    // The official client sees OpenAI's error.
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: user.apiKey, maxRetries: 0 });
    const e = await client.chat.completions
      .create({ model: DIME, messages: [{ role: 'user', content: 'hi' }] })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.APIError);
    expect((e as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((e as InstanceType<typeof OpenAI.APIError>).code).toBe('insufficient_quota');
    // A cheaper request still fits nothing: the balance is spent.
    expect((await chat(gw.baseUrl, user.apiKey, PENNY)).status).toBe(402);
    const credits = (await as(gw.baseUrl, user.apiKey).get('/api/v1/me/credits').expect(200)).body;
    expect(credits).toMatchObject({ balanceMicros: '0', reservedMicros: '0', availableMicros: '0' });
  });

  it('the worst case counts max_tokens: a request that could cost more than is available is refused', async () => {
    // $1,000 per million output tokens: 1,000 tokens may cost $1.00, 6,000 up to $6.00.
    await addModel(gw, PROVIDER, 'wordy', { outputPerMillionMicros: '1000000000' }, 6_000);
    const user = await newUser(gw);
    const unbounded = await chat(gw.baseUrl, user.apiKey, `${PROVIDER}/wordy`);
    expect(unbounded.status).toBe(402);
    expect(JSON.parse(unbounded.body).error.message).toContain('up to $6.00 and $5.00 is available');
    const bounded = await chat(gw.baseUrl, user.apiKey, `${PROVIDER}/wordy`, { max_tokens: 1_000 });
    expect(bounded.status).toBe(200);
  });

  it('a soft cap lets requests pass with x-switchyard-cap-warning and records SpendingCapReached once', async () => {
    const user = await newUser(gw);
    await as(gw.baseUrl, user.apiKey)
      .put('/api/v1/me/settings')
      .send({ monthlyCapMicros: '50000', capMode: 'soft' })
      .expect(200);
    const warnings: Array<string | null> = [];
    for (let i = 0; i < 8; i++) {
      const r = await chat(gw.baseUrl, user.apiKey, PENNY);
      expect(r.status).toBe(200);
      warnings.push(r.headers.get('x-switchyard-cap-warning'));
    }
    // $0.05 cap, $0.01 each: the sixth request is the first that takes the month past it.
    expect(warnings.slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(warnings.slice(5)).toEqual(
      [5, 6, 7].map(
        (cents) => `monthly spending cap of $0.05 reached ($0.0${cents} spent or held this month)`,
      ),
    );
    const reached = await eventually(
      async () => {
        const events = await gw.gateway.runtime.eventStore.readStream(`credits-${user.id}`);
        const caps = events.filter((e) => e.type === 'SpendingCapReached');
        return caps.length > 0 ? caps : undefined;
      },
      10_000,
      'SpendingCapReached',
    );
    expect(reached).toHaveLength(1);
    expect(reached[0]!.data).toMatchObject({
      userId: user.id,
      month: new Date().toISOString().slice(0, 7),
      monthlyCapMicros: '50000',
      monthSpendMicros: '50000',
      capMode: 'soft',
    });
  });

  it('the budget is asked before the rate limits: a 402 takes no rate-limit slot, a 429 holds nothing', async () => {
    const admin = as(gw.baseUrl, gw.adminKey);
    const unlimited = { rpm: null, rph: null, rpd: null, tpm: null };
    await admin
      .put('/api/v1/admin/limits')
      .send({ tiers: { enterprise: { ...unlimited, rpm: 3 } } })
      .expect(200);
    try {
      const user = await newUser(gw, 'enterprise');
      await as(gw.baseUrl, user.apiKey)
        .put('/api/v1/me/settings')
        .send({ monthlyCapMicros: '2000000', capMode: 'hard' })
        .expect(200);
      for (let i = 0; i < 2; i++) expect((await chat(gw.baseUrl, user.apiKey, DIME)).status).toBe(200);
      // The cap is reached: five refusals for money, none for the rate (one slot of three is left).
      for (let i = 0; i < 5; i++) expect((await chat(gw.baseUrl, user.apiKey, DIME)).status).toBe(402);
      await as(gw.baseUrl, user.apiKey)
        .put('/api/v1/me/settings')
        .send({ monthlyCapMicros: '4000000' })
        .expect(200);
      const third = await chat(gw.baseUrl, user.apiKey, DIME);
      expect(third.status).toBe(200);
      expect(third.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      const limited = await chat(gw.baseUrl, user.apiKey, DIME);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(JSON.parse(limited.body).error.code).toBe('rate_limit_exceeded');
      // The 429 held nothing and charged nothing: $5 of sign-up credits less three dollars.
      const credits = (await as(gw.baseUrl, user.apiKey).get('/api/v1/me/credits').expect(200)).body;
      expect(credits).toMatchObject({
        balanceMicros: '2000000',
        reservedMicros: '0',
        monthSpendMicros: '3000000',
      });
      // A stream gets the same x-ratelimit-* headers and the same 429.
      const streamed = await chat(gw.baseUrl, user.apiKey, DIME, { stream: true });
      expect(streamed.status).toBe(429);
      expect(streamed.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(Number(streamed.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await admin
        .put('/api/v1/admin/limits')
        .send({ tiers: { enterprise: unlimited } })
        .expect(200);
    }
  });

  it('a failed upstream call releases the hold and charges nothing', async () => {
    await flatFeeProvider(gw, 'broken-co', failing, [['penny', '10000']]);
    const user = await newUser(gw);
    const r = await chat(gw.baseUrl, user.apiKey, 'broken-co/penny');
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body).error.code).not.toBe('insufficient_quota');
    const credits = (await as(gw.baseUrl, user.apiKey).get('/api/v1/me/credits').expect(200)).body;
    expect(credits).toMatchObject({
      balanceMicros: '5000000',
      reservedMicros: '0',
      availableMicros: '5000000',
    });
  });

  it('a client that goes away mid-stream: the hold is released and only what was streamed is charged', async () => {
    const slow = await startMockProvider({ models: ['penny'], latencyMs: 0, chunkDelayMs: 200 });
    try {
      await flatFeeProvider(gw, 'slow-co', slow, [['penny', '10000']]);
      const user = await newUser(gw);
      const abort = new AbortController();
      const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'slow-co/penny',
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        }),
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read(); // the first chunk is here: the request is in flight, its worst case held
      const held = (await as(gw.baseUrl, user.apiKey).get('/api/v1/me/credits').expect(200)).body;
      expect(held.reservedMicros).toBe('10000');
      abort.abort();
      const after = await eventually(
        async () => {
          const { body } = await as(gw.baseUrl, user.apiKey).get('/api/v1/me/credits').expect(200);
          return body.reservedMicros === '0' && body.balanceMicros !== '5000000' ? body : undefined;
        },
        10_000,
        'the hold released and the charge settled',
      );
      // The per-request fee is due: the answer began.
      expect(after).toMatchObject({ balanceMicros: '4990000', availableMicros: '4990000' });
    } finally {
      await slow.close();
    }
  });
});

describe('Idempotency-Key on /v1/chat/completions (embedded)', () => {
  let gw: TestGateway;
  let upstream: MockProvider;
  // Between the gateway and the upstream: while held, answers wait here until the test releases them.
  let gate: TcpProxy;
  let broken: MockProvider;
  beforeAll(async () => {
    upstream = await startMockProvider({ models: ['penny'] });
    gate = await startTcpProxy({ host: '127.0.0.1', port: upstream.port });
    broken = await startMockProvider({ models: ['penny'] });
    broken.failWith(503);
    gw = await startTestGateway('pglite');
    await flatFeeCatalog(gw, { url: `http://127.0.0.1:${gate.port}` });
    await flatFeeProvider(gw, 'broken-co', broken, [['penny', '10000']]);
  });
  afterAll(async () => {
    gate?.release();
    await gw?.close();
    await gate?.cut();
    await upstream?.close();
    await broken?.close();
  });
  const withKey = (user: { apiKey: string }, key: string, body: Record<string, unknown>) =>
    fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${user.apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], ...body }),
    }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.text() }));
  const balanceOf = async (user: { apiKey: string }) =>
    (await as(gw.baseUrl, user.apiKey).get('/api/v1/me/credits').expect(200)).body as {
      balanceMicros: string;
      reservedMicros: string;
    };

  it('the same key again gets the first answer, billed once; while it runs, a 409; another body, a 422', async () => {
    const user = await newUser(gw);
    // The first stays in flight until its answer is let through: a repeat meanwhile is told to wait.
    gate.hold();
    const first = withKey(user, 'order-1', { model: PENNY });
    await eventually(
      async () => ((await balanceOf(user)).reservedMicros === '10000' ? true : undefined),
      10_000,
      'the first request in flight',
    );
    const early = await withKey(user, 'order-1', { model: PENNY });
    expect(early.status).toBe(409);
    expect(JSON.parse(early.body).error).toMatchObject({
      code: 'idempotency_key_in_use',
      param: 'Idempotency-Key',
    });
    gate.release();
    const answered = await first;
    expect(answered.status).toBe(200);
    const again = await withKey(user, 'order-1', { model: PENNY });
    expect(again.status).toBe(200);
    expect(again.body).toBe(answered.body);
    expect(again.headers.get('x-switchyard-idempotent-replay')).toBe('true');
    expect(again.headers.get('x-switchyard-request-id')).toBe(
      answered.headers.get('x-switchyard-request-id'),
    );
    const reused = await withKey(user, 'order-1', { model: PENNY, temperature: 0 });
    expect(reused.status).toBe(422);
    expect(JSON.parse(reused.body).error.code).toBe('idempotency_key_reused');
    // Charged once: $5 of sign-up credits less one cent.
    await eventually(
      async () => ((await balanceOf(user)).balanceMicros === '4990000' ? true : undefined),
      10_000,
      'one charge',
    );
    expect(await eventCounts(gw.gateway.runtime.eventStore, user.id)).toEqual({
      RequestRouted: 1,
      UsageRecorded: 1,
      ChargeSettled: 1,
    });
    // Keys are the caller's own: another user's same key runs.
    const other = await newUser(gw);
    const theirs = await withKey(other, 'order-1', { model: PENNY });
    expect(theirs.status).toBe(200);
    expect(theirs.headers.get('x-switchyard-idempotent-replay')).toBeNull();
    // A malformed key is a 400.
    expect((await withKey(user, ' spaced key ', { model: PENNY })).status).toBe(400);
  });

  it('a failed request frees its key: the retry runs again', async () => {
    const user = await newUser(gw);
    const failed = await withKey(user, 'retry-me', { model: 'broken-co/penny' });
    expect(failed.status).toBe(503);
    const retried = await withKey(user, 'retry-me', { model: 'broken-co/penny' });
    // It ran again (the provider now cooling down: 429 or 503), rather than being told to wait.
    expect([429, 503]).toContain(retried.status);
    expect(JSON.parse(retried.body).error.code).not.toMatch(/^idempotency_/);
  });

  it('a stream is replayed as the same SSE text', async () => {
    const user = await newUser(gw);
    const body = { model: PENNY, stream: true, stream_options: { include_usage: true } };
    const first = await withKey(user, 'stream-1', body);
    expect(first.status).toBe(200);
    expect(first.body.endsWith('data: [DONE]\n\n')).toBe(true);
    const again = await withKey(user, 'stream-1', body);
    expect(again.headers.get('content-type')).toContain('text/event-stream');
    expect(again.headers.get('x-switchyard-idempotent-replay')).toBe('true');
    expect(again.body).toBe(first.body);
  });
});

const sharedStores = Boolean(postgresUrl()) && Boolean(process.env.REDIS_URL);
for (const variant of ['sharing Redis', 'with Redis down (PostgreSQL holds the reservations)'] as const) {
  describeIf(sharedStores, `spending caps on three instances ${variant}: needs DATABASE_URL and REDIS_URL`)(
    `spending caps on three gateway instances ${variant}`,
    () => {
      let gw: TestGateway;
      let upstream: MockProvider;
      const extra: ExtraInstance[] = [];
      beforeAll(async () => {
        upstream = await startMockProvider({ models: ['penny', 'dollar'] });
        // Nothing listens on port 1: every instance finds Redis unreachable and falls back.
        const redis = variant === 'sharing Redis' ? process.env.REDIS_URL! : 'redis://127.0.0.1:1';
        gw = await startTestGateway('postgres', { REDIS_URL: redis });
        await flatFeeCatalog(gw, upstream);
        for (const name of ['b', 'c']) extra.push(await startExtraInstance(gw, name));
      });
      afterAll(async () => {
        for (const e of extra) await e.close();
        await gw?.close();
        await upstream?.close();
      });

      it('1,000 concurrent requests over three instances, $1.00 hard cap, $0.01 each: exactly 100 answered', async () => {
        await capUnderLoad(gw, [gw.baseUrl, ...extra.map((e) => e.baseUrl)]);
        const metrics = await as(gw.baseUrl, gw.adminKey).get('/metrics').expect(200);
        expect(metrics.text).toContain(
          `switchyard_budget_store_degraded ${variant === 'sharing Redis' ? 0 : 1}`,
        );
        expect(metrics.text).toMatch(/switchyard_budget_refusals_total\{reason="cap"\} [1-9]/);
      });

      it('an Idempotency-Key repeated on every instance at once runs once (with Redis down: once per instance at most)', async () => {
        const user = await newUser(gw);
        const urls = [gw.baseUrl, ...extra.map((e) => e.baseUrl)];
        for (const url of urls)
          await eventually(
            async () => ((await as(url, user.apiKey).get('/api/v1/me')).status === 200 ? true : undefined),
            15_000,
            `the key on ${url}`,
          );
        const sent = await Promise.all(
          Array.from({ length: 9 }, (_, i) =>
            fetch(`${urls[i % 3]}/v1/chat/completions`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${user.apiKey}`,
                'content-type': 'application/json',
                'idempotency-key': 'once-everywhere',
              },
              body: JSON.stringify({ model: PENNY, messages: [{ role: 'user', content: 'hi' }] }),
            }).then((r) => r.status),
          ),
        );
        expect(sent.every((s) => s === 200 || s === 409)).toBe(true);
        expect(sent.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
        const counts = await eventually(
          async () => {
            const c = await eventCounts(gw.gateway.runtime.eventStore, user.id);
            return c.UsageRecorded! >= 1 ? c : undefined;
          },
          15_000,
          'the answer in the log',
        );
        if (variant === 'sharing Redis') expect(counts.UsageRecorded).toBe(1);
        else expect(counts.UsageRecorded).toBeLessThanOrEqual(3);
      });
    },
  );
}

/**
 * An OpenAI-compatible upstream that holds its first `gated` answers until `open()`: those requests
 * stay in flight. Any later one is answered at once, so a request admitted by mistake fails the test
 * on its status instead of waiting at the gate until the test's timeout.
 */
async function startGatedUpstream(gated: number): Promise<{
  url: string;
  received(): number;
  open(): void;
  close(): Promise<void>;
}> {
  const waiting: Array<() => void> = [];
  let opened = false;
  let received = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (!req.url?.endsWith('/chat/completions')) return void res.end('{"object":"list","data":[]}');
      received++;
      const model = (JSON.parse(body) as { model: string }).model;
      const answer = () =>
        res.end(
          JSON.stringify({
            id: `chatcmpl-${received}`,
            object: 'chat.completion',
            created: 1,
            model,
            choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
          }),
        );
      if (opened || received > gated) answer();
      else waiting.push(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    open: () => {
      opened = true;
      for (const answer of waiting.splice(0)) answer();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeIf(sharedStores, 'Redis going away mid-burst: needs DATABASE_URL and REDIS_URL')(
  'spending caps when Redis goes away with requests in flight (three instances)',
  () => {
    const GATED = 'gated-co/penny';
    let gw: TestGateway;
    let proxy: TcpProxy;
    let upstream: Awaited<ReturnType<typeof startGatedUpstream>>;
    const extra: ExtraInstance[] = [];
    beforeAll(async () => {
      const redis = new URL(process.env.REDIS_URL!);
      proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
      upstream = await startGatedUpstream(100);
      gw = await startTestGateway('postgres', { REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
      await flatFeeCatalog(gw, upstream, 'gated-co', [['penny', '10000']]);
      for (const name of ['b', 'c']) extra.push(await startExtraInstance(gw, name));
    });
    afterAll(async () => {
      upstream?.open();
      for (const e of extra) await e.close();
      await gw?.close();
      await upstream?.close();
      await proxy?.cut();
    });

    it('the holds in flight move to PostgreSQL: requests decided there see them, and the cap holds', async () => {
      const urls = [gw.baseUrl, ...extra.map((e) => e.baseUrl)];
      const user = await cappedUser(gw, urls, GATED);
      // 150 requests: 100 hold the whole $1.00 in Redis and wait upstream, 50 are refused.
      let done = 0;
      const first = Array.from({ length: 150 }, (_, i) =>
        chat(urls[i % 3]!, user.apiKey, GATED).finally(() => done++),
      );
      await eventually(
        async () => (upstream.received() === 100 && done === 50 ? true : undefined),
        15_000,
        '100 in flight, 50 refused',
      );
      // Redis goes away for every instance; each moves its requests' holds to PostgreSQL.
      await proxy.cut();
      const held = await eventually(
        async () => {
          const rows = (await gw.gateway.runtime
            .knex('budget_reservations')
            .where({ user_id: user.id })
            .sum({ s: 'amount_micros' })) as Array<{ s: string | number | null }>;
          return Number(rows[0]?.s ?? 0) === 1_000_000 ? true : undefined;
        },
        15_000,
        'the $1.00 in flight held in PostgreSQL',
      );
      expect(held).toBe(true);
      // Decided in PostgreSQL now, on every instance: nothing is left under the cap.
      const second = await Promise.all(
        Array.from({ length: 60 }, (_, i) => chat(urls[i % 3]!, user.apiKey, GATED)),
      );
      expect(second.map((r) => r.status)).toEqual(Array.from({ length: 60 }, () => 402));
      upstream.open();
      const answers = await Promise.all(first);
      const byStatus: Record<number, number> = {};
      for (const r of answers) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      expect(byStatus).toEqual({ 200: 100, 402: 50 });
      expect(upstream.received()).toBe(100);
      // Settled where the holds went: nothing held, $1.00 spent.
      await eventually(
        async () => {
          const { body } = await as(gw.baseUrl, user.apiKey).get('/api/v1/me/credits').expect(200);
          return body.reservedMicros === '0' && body.balanceMicros === '4000000' ? true : undefined;
        },
        15_000,
        'the settled balance',
      );
      const counts = await eventCounts(gw.gateway.runtime.eventStore, user.id);
      expect(counts).toEqual({ RequestRouted: 100, UsageRecorded: 100, ChargeSettled: 100 });
    });
  },
);
