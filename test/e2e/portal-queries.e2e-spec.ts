import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { maskGatewayKey } from '@gw/accounts';
import { describeBackends } from '@gw/database/testing';
import { pricesFromData } from '@gw/catalog';
import {
  DEFAULT_BILLING_POLICY,
  FORECAST_WINDOW_MS,
  forecastMonth,
  priceTypicalRequest,
  TYPICAL_REQUEST,
} from '@gw/usage-billing';
import { newUser } from './support/accounts';
import { startTestGateway, type TestGateway } from './support/test-gateway';

type Json = Record<string, unknown>;

describeBackends('portal queries: catalog, settings estimate', (backend) => {
  let gw: TestGateway;
  let free: { id: string; apiKey: string };
  let pro: { id: string; apiKey: string };

  const get = (path: string, key: string) =>
    request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`);

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    free = await newUser(gw.baseUrl, gw.adminKey, 'free');
    pro = await newUser(gw.baseUrl, gw.adminKey, 'professional');
  });
  afterAll(() => gw?.close());

  it('each query has its response schema in the OpenAPI document', async () => {
    const doc = (await request(gw.baseUrl).get('/api/docs/openapi.json').expect(200)).body as {
      paths: Record<string, { get: { responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const views = {
      '/api/v1/catalog/models': 'CatalogModelsView',
      '/api/v1/me/settings/estimate': 'SettingsEstimateView',
      '/api/v1/me/usage/by-key': 'UsageByKeyView',
      '/api/v1/me/usage/forecast': 'UsageForecastView',
    };
    for (const [path, view] of Object.entries(views)) {
      expect(JSON.stringify(doc.paths[path]?.get.responses['200'])).toContain(`#/components/schemas/${view}`);
      expect(doc.components.schemas[view]?.properties).toBeDefined();
    }
  });

  describe('GET /api/v1/catalog/models', () => {
    it('needs a signed-in caller: 401 problem+json without one', async () => {
      const res = await request(gw.baseUrl).get('/api/v1/catalog/models').expect(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('lists the enabled models with the admin catalog’s prices, and the aliases', async () => {
      const [mine, admin] = await Promise.all([
        get('/api/v1/catalog/models', pro.apiKey).expect(200),
        get('/api/v1/admin/models', gw.adminKey).expect(200),
      ]);
      const models = mine.body.models as Json[];
      const enabledAdmin = (admin.body.data as Json[]).filter((m) => m.enabled === true);
      expect(models.length).toBeGreaterThan(0);
      for (const m of models) {
        const a = enabledAdmin.find((x) => x.id === m.id);
        expect(a).toBeDefined();
        const prices = a!.prices as Json;
        expect(m).toMatchObject({
          provider: a!.provider,
          name: a!.displayName,
          contextWindow: a!.contextWindow,
          inputPerMTokMicros: prices.inputPerMillionMicros,
          outputPerMTokMicros: prices.outputPerMillionMicros,
          enabled: true,
        });
        expect(typeof m.providerName).toBe('string');
        expect(['healthy', 'degraded', 'down', 'unknown']).toContain(m.health);
        expect(Array.isArray(m.capabilities)).toBe(true);
        for (const level of m.powerLevels as string[]) expect(a!.powerLevels).toContain(level);
        expect(m.p50LatencyMs === null || typeof m.p50LatencyMs === 'number').toBe(true);
      }
      expect((mine.body.aliases as Json[]).map((a) => a.name)).toEqual(
        expect.arrayContaining(['auto', 'eco', 'balanced', 'precision']),
      );
    });

    it('tells a free user what their tier cannot use and which tier unlocks it', async () => {
      const res = await get('/api/v1/catalog/models', free.apiKey).expect(200);
      const models = res.body.models as Json[];
      const locked = models.filter((m) => m.usableOnMyTier === false);
      const open = models.filter((m) => m.usableOnMyTier === true);
      expect(open.length).toBeGreaterThan(0);
      for (const m of open) expect(m.unlockTier).toBeNull();
      for (const m of locked) expect(['starter', 'professional', 'enterprise']).toContain(m.unlockTier);
      const admin = await get('/api/v1/admin/models', gw.adminKey).expect(200);
      const minTiers = new Map((admin.body.data as Json[]).map((m) => [m.id, m.minTier]));
      for (const m of models) expect(m.usableOnMyTier).toBe(minTiers.get(m.id as string) === 'free');
    });

    it('reports the router’s recent latency for a model once it has answered', async () => {
      const chat = await request(gw.baseUrl)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${pro.apiKey}`)
        .send({ model: 'auto', messages: [{ role: 'user', content: 'hello' }] })
        .expect(200);
      const answered = chat.body.model as string;
      const res = await get('/api/v1/catalog/models', pro.apiKey).expect(200);
      const m = (res.body.models as Json[]).find((x) => x.id === answered);
      expect(m).toBeDefined();
      expect(typeof m!.p50LatencyMs).toBe('number');
      expect(m!.health).toBe('healthy');
    });

    it('hides a model an admin disabled, and lists it again once enabled', async () => {
      const before = await get('/api/v1/catalog/models', pro.apiKey).expect(200);
      const victim = (before.body.models as Json[])[0]!;
      const [provider, ...rest] = String(victim.id).split('/');
      const path = `/api/v1/admin/models/${provider}/${encodeURIComponent(rest.join('/'))}`;
      const put = (enabled: boolean) =>
        request(gw.baseUrl).put(path).set('authorization', `Bearer ${gw.adminKey}`).send({ enabled });
      await put(false).expect(200);
      try {
        const hidden = await get('/api/v1/catalog/models', pro.apiKey).expect(200);
        expect((hidden.body.models as Json[]).map((m) => m.id)).not.toContain(victim.id);
      } finally {
        await put(true).expect(200);
      }
      const again = await get('/api/v1/catalog/models', pro.apiKey).expect(200);
      expect((again.body.models as Json[]).map((m) => m.id)).toContain(victim.id);
    });
  });

  describe('GET /api/v1/me/settings/estimate', () => {
    it('401 without a caller', async () => {
      const res = await request(gw.baseUrl).get('/api/v1/me/settings/estimate').expect(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('gives one estimate per level, each the planner’s first choice priced as a real request', async () => {
      const [res, admin] = await Promise.all([
        get('/api/v1/me/settings/estimate', pro.apiKey).expect(200),
        get('/api/v1/admin/models', gw.adminKey).expect(200),
      ]);
      expect(res.body.typicalRequest).toEqual({ promptTokens: 1000, completionTokens: 500 });
      const levels = res.body.levels as Json[];
      expect(levels.map((l) => l.powerLevel)).toEqual(['eco', 'balanced', 'precision']);
      for (const l of levels) {
        expect(l.reason).toBeNull();
        const m = (admin.body.data as Json[]).find((x) => x.id === l.model)!;
        expect(m).toBeDefined();
        expect(l.provider).toBe(m.provider);
        expect(m.powerLevels).toContain(l.powerLevel);
        const prices = m.prices as Json;
        const expected = priceTypicalRequest(
          pricesFromData({
            inputPerMillion: String(prices.inputPerMillionMicros),
            outputPerMillion: String(prices.outputPerMillionMicros),
            cachedInputPerMillion: String(prices.cachedInputPerMillionMicros),
          }),
          TYPICAL_REQUEST,
          { powerLevel: l.powerLevel as 'eco', tier: 'professional', keySource: 'platform' },
          DEFAULT_BILLING_POLICY,
        );
        expect(l.estimatedCostMicros).toBe(expected.chargedMicros.toString());
      }
    });

    it('names why a level the tier does not include has no model', async () => {
      const res = await get('/api/v1/me/settings/estimate', free.apiKey).expect(200);
      const [eco, balanced, precision] = res.body.levels as Json[];
      expect(eco).toMatchObject({ powerLevel: 'eco', reason: null });
      expect(typeof eco!.model).toBe('string');
      for (const l of [balanced!, precision!]) {
        expect(l).toMatchObject({ model: null, provider: null, estimatedCostMicros: null });
        expect(String(l.reason)).toMatch(/tier/);
      }
    });

    it('changes when an admin changes the chosen model’s price', async () => {
      const before = await get('/api/v1/me/settings/estimate', pro.apiKey).expect(200);
      const eco = (before.body.levels as Json[])[0]!;
      const [provider, ...rest] = String(eco.model).split('/');
      const path = `/api/v1/admin/models/${provider}/${encodeURIComponent(rest.join('/'))}`;
      const model = await get(path, gw.adminKey).expect(200);
      const prices = model.body.prices as Json;
      // Half the price: still the cheapest, so still eco's first choice, at half the cost.
      const half = (v: unknown): string => (BigInt(String(v)) / 2n).toString();
      await request(gw.baseUrl)
        .put(path)
        .set('authorization', `Bearer ${gw.adminKey}`)
        .send({
          prices: {
            inputPerMillionMicros: half(prices.inputPerMillionMicros),
            outputPerMillionMicros: half(prices.outputPerMillionMicros),
          },
        })
        .expect(200);
      const after = await get('/api/v1/me/settings/estimate', pro.apiKey).expect(200);
      const ecoAfter = (after.body.levels as Json[])[0]!;
      expect(ecoAfter.model).toBe(eco.model);
      const expected = priceTypicalRequest(
        pricesFromData({
          inputPerMillion: half(prices.inputPerMillionMicros),
          outputPerMillion: half(prices.outputPerMillionMicros),
          cachedInputPerMillion: half(prices.inputPerMillionMicros),
        }),
        TYPICAL_REQUEST,
        { powerLevel: 'eco', tier: 'professional', keySource: 'platform' },
        DEFAULT_BILLING_POLICY,
      );
      expect(ecoAfter.estimatedCostMicros).toBe(expected.chargedMicros.toString());
      expect(ecoAfter.estimatedCostMicros).not.toBe(eco.estimatedCostMicros);
    });
    it('follows the routing policy: with no price room at eco, eco has no model and says why', async () => {
      const admin = (r: request.Test) => r.set('authorization', `Bearer ${gw.adminKey}`);
      const current = await admin(request(gw.baseUrl).get('/api/v1/admin/routing/policy')).expect(200);
      const policy = structuredClone(current.body) as { levels: { eco: Json } } & Json;
      delete policy.version;
      const restore = structuredClone(policy);
      policy.levels.eco.maxPricePer1kMicros = '0';
      await admin(request(gw.baseUrl).put('/api/v1/admin/routing/policy')).send(policy).expect(200);
      try {
        const res = await get('/api/v1/me/settings/estimate', pro.apiKey).expect(200);
        const eco = (res.body.levels as Json[])[0]!;
        expect(eco).toMatchObject({ powerLevel: 'eco', model: null, estimatedCostMicros: null });
        expect(String(eco.reason)).toMatch(/price/i);
        const catalog = await get('/api/v1/catalog/models', pro.apiKey).expect(200);
        for (const m of catalog.body.models as Json[]) expect(m.powerLevels).not.toContain('eco');
      } finally {
        await admin(request(gw.baseUrl).put('/api/v1/admin/routing/policy')).send(restore).expect(200);
      }
      const back = await get('/api/v1/me/settings/estimate', pro.apiKey).expect(200);
      expect(typeof (back.body.levels as Json[])[0]!.model).toBe('string');
    });
  });
});

describeBackends('portal queries: usage forecast and usage by key', (backend) => {
  let gw: TestGateway;
  let user: { id: string; apiKey: string };
  let second: { id: string; apiKey: string };
  let accessToken: string;
  const charges: bigint[] = [];
  /** What each credential's requests used: requests, tokens and charge. */
  const used = new Map<string, { requests: number; prompt: number; completion: number; charge: bigint }>();

  const get = (path: string, key: string) =>
    request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`);

  async function chat(key: string): Promise<void> {
    const res = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key}`)
      .send({ model: 'auto', messages: [{ role: 'user', content: `hello ${charges.length}` }] })
      .expect(200);
    const charge = BigInt(String(res.headers['x-switchyard-charge-micros']));
    charges.push(charge);
    const u = used.get(key) ?? { requests: 0, prompt: 0, completion: 0, charge: 0n };
    used.set(key, {
      requests: u.requests + 1,
      prompt: u.prompt + Number(res.body.usage.prompt_tokens),
      completion: u.completion + Number(res.body.usage.completion_tokens),
      charge: u.charge + charge,
    });
  }

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    const admin = (path: string) =>
      request(gw.baseUrl).post(path).set('authorization', `Bearer ${gw.adminKey}`);
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const created = await admin('/api/v1/admin/users')
      .send({ name: `Keys ${randomUUID().slice(0, 8)}`, tier: 'professional', password })
      .expect(201);
    const id = created.body.id as string;
    const username = (await get(`/api/v1/admin/users/${id}`, gw.adminKey).expect(200)).body.username;
    const first = await admin(`/api/v1/admin/users/${id}/api-keys`).send({ name: 'first key' }).expect(201);
    const other = await admin(`/api/v1/admin/users/${id}/api-keys`).send({ name: 'second key' }).expect(201);
    user = { id, apiKey: first.body.apiKey as string };
    second = { id: other.body.id as string, apiKey: other.body.apiKey as string };
    const login = await request(gw.baseUrl)
      .post('/api/v1/auth/login')
      .send({ username, password })
      .expect(200);
    accessToken = login.body.accessToken as string;
    for (const key of [user.apiKey, user.apiKey, user.apiKey, second.apiKey, accessToken]) await chat(key);
    await request(gw.baseUrl)
      .delete(`/api/v1/me/api-keys/${second.id}`)
      .set('authorization', `Bearer ${user.apiKey}`)
      .expect(204);
    await gw.waitForProjections();
  });
  afterAll(() => gw?.close());

  describe('GET /api/v1/me/usage/by-key', () => {
    it('401 without a caller; a bad range is a 400 problem+json naming the parameter', async () => {
      await request(gw.baseUrl).get('/api/v1/me/usage/by-key').expect(401);
      const res = await get('/api/v1/me/usage/by-key?from=yesterday', user.apiKey).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body)).toMatch(/from/);
      await get('/api/v1/me/usage/by-key?limit=3', user.apiKey).expect(400);
    });

    it('one row per key and one for the signed-in session, adding up to what was sent', async () => {
      const res = await get('/api/v1/me/usage/by-key', user.apiKey).expect(200);
      const rows = res.body.rows as Json[];
      const keys = await get('/api/v1/me/api-keys', user.apiKey).expect(200);
      const firstKey = (keys.body.data ?? keys.body) as Json[];
      const expected = (key: string) => {
        const u = used.get(key)!;
        return {
          requests: u.requests,
          promptTokens: u.prompt,
          completionTokens: u.completion,
          costMicros: u.charge.toString(),
        };
      };
      expect(rows).toHaveLength(3);
      const byLabel = new Map(rows.map((r) => [r.label, r]));
      const mine = byLabel.get('first key')!;
      expect(mine).toMatchObject({ ...expected(user.apiKey), revoked: false });
      expect(firstKey.map((k) => k.id)).toContain(mine.apiKeyId);
      expect(mine.masked).toBe(maskGatewayKey(user.apiKey));
      expect(byLabel.get('second key')).toMatchObject({
        ...expected(second.apiKey),
        apiKeyId: second.id,
        revoked: true,
      });
      expect(byLabel.get('Signed-in session')).toMatchObject({
        ...expected(accessToken),
        apiKeyId: null,
        masked: null,
      });
      // Most charged first.
      const costs = rows.map((r) => BigInt(String(r.costMicros)));
      expect([...costs].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))).toEqual(costs);
      expect(JSON.stringify(res.body)).not.toContain(user.apiKey);
    });

    it('whole days (read from the daily rollup) say the same as the partial range (read from the facts)', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);
      const [partial, whole] = await Promise.all([
        get('/api/v1/me/usage/by-key', user.apiKey).expect(200),
        get(`/api/v1/me/usage/by-key?from=${today}&to=${tomorrow}`, user.apiKey).expect(200),
      ]);
      const strip = (rows: Json[]) => rows.map(({ shareOfRequests: _s, shareOfCharge: _c, ...r }) => r);
      expect(strip(whole.body.rows as Json[])).toEqual(strip(partial.body.rows as Json[]));
    });

    it('an empty range has no rows', async () => {
      const res = await get('/api/v1/me/usage/by-key?from=2020-01-01&to=2020-01-02', user.apiKey).expect(200);
      expect(res.body.rows).toEqual([]);
    });
  });

  describe('GET /api/v1/me/usage/forecast', () => {
    it('401 without a caller; an unknown parameter is a 400 problem+json', async () => {
      await request(gw.baseUrl).get('/api/v1/me/usage/forecast').expect(401);
      const res = await get('/api/v1/me/usage/forecast?from=yesterday', user.apiKey).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('forecasts from the cap’s month to date and the last 7 days’ charge', async () => {
      const [res, credits] = await Promise.all([
        get('/api/v1/me/usage/forecast', user.apiKey).expect(200),
        get('/api/v1/me/credits', user.apiKey).expect(200),
      ]);
      const f = res.body as Json;
      const charged = charges.reduce((a, b) => a + b, 0n);
      expect(charged).toBeGreaterThan(0n);
      expect(f.monthToDateMicros).toBe(credits.body.monthSpendMicros);
      expect(f.monthToDateMicros).toBe(charged.toString());
      expect(f.balanceMicros).toBe(credits.body.balanceMicros);
      const now = new Date(String((f.rateWindow as Json).to));
      const expected = forecastMonth({
        now,
        monthToDateMicros: charged,
        recentSpendMicros: charged,
        recentWindowMs: FORECAST_WINDOW_MS,
        capMicros: null,
        balanceMicros: BigInt(String(credits.body.balanceMicros)),
      });
      expect(f).toMatchObject({
        monthStart: expected.monthStart.toISOString(),
        monthEnd: expected.monthEnd.toISOString(),
        dailyRateMicros: expected.dailyRateMicros.toString(),
        forecastMonthEndMicros: expected.forecastMonthEndMicros.toString(),
        capMicros: null,
        capMode: null,
        projectedOverCap: false,
        daysOfCreditLeft: expected.daysOfCreditLeft,
      });
      expect(BigInt(String(f.forecastMonthEndMicros))).toBeGreaterThanOrEqual(charged);
    });

    it('says when the forecast passes the cap', async () => {
      await request(gw.baseUrl)
        .put('/api/v1/me/settings')
        .set('authorization', `Bearer ${user.apiKey}`)
        .send({ monthlyCapMicros: '1', capMode: 'soft' })
        .expect(200);
      const res = await get('/api/v1/me/usage/forecast', user.apiKey).expect(200);
      expect(res.body).toMatchObject({ capMicros: '1', capMode: 'soft', projectedOverCap: true });
    });

    it('a new account with no usage: zero rate, no days-left figure', async () => {
      const idle = await newUser(gw.baseUrl, gw.adminKey, 'free');
      const res = await get('/api/v1/me/usage/forecast', idle.apiKey).expect(200);
      expect(res.body).toMatchObject({
        monthToDateMicros: '0',
        forecastMonthEndMicros: '0',
        dailyRateMicros: '0',
        daysOfCreditLeft: null,
        projectedOverCap: false,
      });
    });
  });
});
