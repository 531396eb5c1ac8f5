import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { readModelProjections } from '@gw/platform';
import { startTestGateway, type TestGateway } from './support/test-gateway';

interface Day {
  from: string;
  to: string;
  requests: number;
  fallbackRate: number;
  chargedMicros: string;
  providerCostMicros: string;
}

/** The admin start page's numbers: usage today vs yesterday, provider statuses, refusals, projection lag. */
describeBackends('admin overview', (backend) => {
  let gw: TestGateway;
  let upstream: MockProvider;
  const as = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${key}`),
    put: (path: string) => request(gw.baseUrl).put(path).set('authorization', `Bearer ${key}`),
  });
  const chat = (key: string, model: string) =>
    request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key}`)
      .send({ model, messages: [{ role: 'user', content: 'hi' }] });
  const newUser = async (tier: string): Promise<string> => {
    const { body } = await as(gw.adminKey)
      .post('/api/v1/admin/users')
      .send({ name: `o ${tier}`, tier })
      .expect(201);
    const issued = await as(gw.adminKey)
      .post(`/api/v1/admin/users/${body.id}/api-keys`)
      .send({ name: 'k' })
      .expect(201);
    return issued.body.apiKey as string;
  };

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    upstream = await startMockProvider({ models: ['pricey'] });
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('counts today’s requests and charge, the refusals by budget and rate limit, and every projection', async () => {
    const empty = (await as(gw.adminKey).get('/api/v1/admin/overview').expect(200)).body;
    expect(empty.today).toMatchObject({ requests: 0, chargedMicros: '0', fallbackRate: 0 });
    expect(empty.refusals).toMatchObject({ budget: { total: 0 }, rateLimit: { total: 0 } });

    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    for (let i = 0; i < 3; i += 1)
      await client.chat.completions.create({
        model: 'mock-swift/swift-mini',
        messages: [{ role: 'user', content: `hello ${i}` }],
      });

    // A budget refusal: a model whose per-request fee ($10) is over a new user's balance.
    await as(gw.adminKey)
      .post('/api/v1/admin/providers')
      .send({
        slug: 'overview-co',
        name: 'Overview Co',
        kind: 'openai-compatible',
        baseUrl: `${upstream.url}/v1`,
        apiKey: 'sk-overview-platform-key-0001',
      })
      .expect(201);
    await as(gw.adminKey)
      .post('/api/v1/admin/models')
      .send({
        provider: 'overview-co',
        model: 'pricey',
        displayName: 'Pricey',
        prices: { inputPerMillionMicros: '0', outputPerMillionMicros: '0', perRequestMicros: '10000000' },
        contextWindow: 8_000,
        maxOutputTokens: 1_000,
        capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
        quality: 0.5,
        powerLevels: ['eco', 'balanced', 'precision'],
      })
      .expect(201);
    // Charged at cost, so the fee is the charge.
    await as(gw.adminKey)
      .put('/api/v1/admin/billing/policy')
      .send({
        powerLevelMultiplierBps: { eco: 10_000, balanced: 10_000, precision: 10_000 },
        tierMarkupBps: { free: 0, starter: 0, professional: 0, enterprise: 0 },
      })
      .expect(200);
    const poor = await newUser('professional');
    const refused = await chat(poor, 'overview-co/pricey');
    expect([refused.status, refused.text]).toEqual([402, expect.stringContaining('insufficient_quota')]);
    // A rate-limit refusal: enterprise gets one request a minute.
    await as(gw.adminKey)
      .put('/api/v1/admin/limits')
      .send({ tiers: { enterprise: { rpm: 1 } } })
      .expect(200);
    const limited = await newUser('enterprise');
    expect((await chat(limited, 'mock-swift/swift-mini')).status).toBe(200);
    expect((await chat(limited, 'mock-swift/swift-mini')).status).toBe(429);

    await gw.waitForProjections();
    const { body } = await as(gw.adminKey).get('/api/v1/admin/overview').expect(200);
    const today = body.today as Day;
    const yesterday = body.yesterday as Day;
    expect(today.requests).toBe(4);
    expect(BigInt(today.chargedMicros)).toBeGreaterThan(0n);
    expect(BigInt(today.providerCostMicros)).toBeGreaterThan(0n);
    expect(today.fallbackRate).toBe(0);
    // The same numbers as the admin usage summary over the same UTC day.
    const summary = (
      await as(gw.adminKey)
        .get(
          `/api/v1/admin/usage/summary?from=${encodeURIComponent(today.from)}&to=${encodeURIComponent(today.to)}`,
        )
        .expect(200)
    ).body;
    expect(summary).toMatchObject({
      requests: 4,
      chargedMicros: today.chargedMicros,
      providerCostMicros: today.providerCostMicros,
    });
    const midnight = new Date(today.from);
    expect(midnight.getUTCHours() + midnight.getUTCMinutes() + midnight.getUTCSeconds()).toBe(0);
    expect(yesterday).toMatchObject({ requests: 0, chargedMicros: '0', to: today.from });
    expect(Date.parse(yesterday.to) - Date.parse(yesterday.from)).toBe(86_400_000);

    expect(body.refusals.budget).toEqual({ total: 1, byReason: [{ key: 'balance', count: 1 }] });
    expect(body.refusals.rateLimit).toEqual({
      total: 1,
      byTier: [{ key: 'enterprise', count: 1 }],
      byDimension: [{ key: 'rpm', count: 1 }],
    });
    expect(Date.parse(body.refusals.since)).toBeLessThanOrEqual(Date.now());

    const providers = (await as(gw.adminKey).get('/api/v1/admin/providers').expect(200)).body;
    expect(body.providers).toMatchObject({ window: '1h', total: providers.data.length, notHealthy: [] });

    expect(body.projections.items.map((p: { projection: string }) => p.projection).sort()).toEqual(
      readModelProjections.map((p) => p.name).sort(),
    );
    expect(body.projections.maxLagSeconds).toBeGreaterThanOrEqual(0);
    expect(body.projections.maxLagSeconds).toBeLessThan(60);
  });

  it('is for admins only', async () => {
    await as(gw.userKey).get('/api/v1/admin/overview').expect(403);
    await request(gw.baseUrl).get('/api/v1/admin/overview').expect(401);
  });
});
