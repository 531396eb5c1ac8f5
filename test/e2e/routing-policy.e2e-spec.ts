import request from 'supertest';
import { toRequestStreamId } from '@gw/routing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

describe('routing policy administration (embedded)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
  });
  afterAll(() => gw?.close());

  const policy = (key: string) =>
    request(gw.baseUrl).get('/api/v1/admin/routing/policy').set('authorization', `Bearer ${key}`);
  const chooses = async (): Promise<string> => {
    const res = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'balanced', messages: [{ role: 'user', content: 'hi' }] })
      .expect(200);
    return res.headers['x-switchyard-model'] as string;
  };

  it('is for admins only', async () => {
    const res = await policy(gw.userKey);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('AUTH.ADMIN_ONLY');
  });

  it('a change takes effect on the very next request', async () => {
    const before = await policy(gw.adminKey);
    expect(before.status).toBe(200);
    expect(before.body.version).toBe(0);
    expect(before.body.levels.balanced.weights).toEqual({ cost: 0.4, latency: 0.4, quality: 0.2 });
    const cheapest = await chooses();
    expect(cheapest).toBe('mock-swift/swift-mini');

    const qualityOnly = structuredClone(before.body);
    delete qualityOnly.version;
    qualityOnly.levels.balanced.strategy = 'custom'; // weights of its own, not the balanced preset's
    qualityOnly.levels.balanced.weights = { cost: 0, latency: 0, quality: 1 };
    const put = await request(gw.baseUrl)
      .put('/api/v1/admin/routing/policy')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .set('if-match', before.headers.etag)
      .send(qualityOnly);
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(1);
    expect(put.headers.etag).toBe('"1"');

    expect(await chooses()).toBe('mock-sage/sage-large'); // the highest quality in the balanced price range
    const events = await gw.gateway.runtime.eventStore.readStream('routing-policy');
    expect(events.map((e) => e.type)).toEqual(['RoutingPolicyChanged']);
  });

  it('refuses a stale If-Match with 412 and a bad policy with 400 naming the field', async () => {
    const current = await policy(gw.adminKey);
    const body = structuredClone(current.body);
    delete body.version;
    const stale = await request(gw.baseUrl)
      .put('/api/v1/admin/routing/policy')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .set('if-match', '"0"')
      .send(body);
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('ROUTING.POLICY_VERSION_MISMATCH');

    body.levels.eco.weights.cost = 3;
    const bad = await request(gw.baseUrl)
      .put('/api/v1/admin/routing/policy')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .send(body);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('levels.eco.weights.cost');
  });
});

interface LevelBody {
  strategy?: string;
  weights?: { cost: number; latency: number; quality: number };
  [field: string]: unknown;
}
interface PolicyBody {
  levels: Record<'eco' | 'balanced' | 'precision', LevelBody>;
  fallbackOn?: string[];
  [field: string]: unknown;
}

describe('routing strategy presets and fallback reasons (embedded)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
  });
  afterAll(() => gw?.close());
  afterEach(() => gw.gateway.runtime.mocks.get('mock-swift')!.failWith(null));

  const get = () =>
    request(gw.baseUrl).get('/api/v1/admin/routing/policy').set('authorization', `Bearer ${gw.adminKey}`);
  const put = (body: unknown) =>
    request(gw.baseUrl)
      .put('/api/v1/admin/routing/policy')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .send(body as object);
  /** The policy in force as a PUT body. */
  const current = async (): Promise<PolicyBody> => {
    const { body } = await get().expect(200);
    delete body.version;
    return body as PolicyBody;
  };
  const swift = () => gw.gateway.runtime.mocks.get('mock-swift')!;
  const chat = () =>
    request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'eco', messages: [{ role: 'user', content: 'hello' }] });

  it("GET shows each level's strategy and the failures that fall back", async () => {
    const { body } = await get().expect(200);
    expect(body.levels.eco).toMatchObject({
      strategy: 'cost',
      weights: { cost: 0.7, latency: 0.2, quality: 0.1 },
    });
    expect(body.levels.balanced).toMatchObject({
      strategy: 'balanced',
      weights: { cost: 0.4, latency: 0.4, quality: 0.2 },
    });
    expect(body.levels.precision).toMatchObject({
      strategy: 'custom',
      weights: { cost: 0.1, latency: 0.3, quality: 0.6 },
    });
    expect(body.fallbackOn).toEqual(['rate_limited', 'auth', 'timeout', 'server', 'connection']);
  });

  it("a preset strategy without weights sets the preset's weights", async () => {
    const body = await current();
    body.levels.balanced = { ...body.levels.balanced, strategy: 'latency' };
    delete body.levels.balanced.weights;
    const res = await put(body);
    expect(res.status).toBe(200);
    expect(res.body.levels.balanced).toMatchObject({
      strategy: 'latency',
      weights: { cost: 0.15, latency: 0.7, quality: 0.15 },
    });
    expect((await get()).body.levels.balanced.weights).toEqual({ cost: 0.15, latency: 0.7, quality: 0.15 });
  });

  it('weights without a strategy are custom, as before presets', async () => {
    const body = await current();
    delete body.levels.eco.strategy;
    body.levels.eco.weights = { cost: 0.6, latency: 0.3, quality: 0.1 };
    const res = await put(body);
    expect(res.status).toBe(200);
    expect(res.body.levels.eco).toMatchObject({
      strategy: 'custom',
      weights: { cost: 0.6, latency: 0.3, quality: 0.1 },
    });
  });

  it('refuses with 400 naming the parameter: preset with other weights, custom without weights, bad_request', async () => {
    const mismatch = await current();
    mismatch.levels.eco = {
      ...mismatch.levels.eco,
      strategy: 'cost',
      weights: { cost: 1, latency: 0, quality: 0 },
    };
    const conflicting = await put(mismatch);
    expect(conflicting.status).toBe(400);
    expect(conflicting.body.code).toBe('ROUTING.INVALID_POLICY');
    expect(conflicting.body.detail).toContain('levels.eco.weights');

    const missing = await current();
    delete missing.levels.precision.weights;
    const noWeights = await put(missing);
    expect(noWeights.status).toBe(400);
    expect(noWeights.body.detail).toContain('levels.precision.weights');

    const unknown = await current();
    unknown.levels.balanced.strategy = 'fastest';
    const badStrategy = await put(unknown);
    expect(badStrategy.status).toBe(400);
    expect(badStrategy.body.detail).toContain('levels.balanced.strategy');

    const never = await current();
    never.fallbackOn = ['server', 'bad_request'];
    const badReason = await put(never);
    expect(badReason.status).toBe(400);
    expect(badReason.body.detail).toContain('fallbackOn');
  });

  it('the problem body names the refused parameter in `param`, for the DTO and the policy rules alike', async () => {
    const lowCap = await current();
    lowCap.levels.balanced.latencyCapMs = 50;
    const dtoRefusal = await put(lowCap);
    expect(dtoRefusal.status).toBe(400);
    expect(dtoRefusal.body.param).toBe('levels.balanced.latencyCapMs');

    const emptyUseCase = await current();
    emptyUseCase.useCases = { code: [] };
    const ruleRefusal = await put(emptyUseCase);
    expect(ruleRefusal.status).toBe(400);
    expect(ruleRefusal.body).toMatchObject({ code: 'ROUTING.INVALID_POLICY', param: 'useCases.code' });

    const notAChain = await current();
    notAChain.useCases = { code: 'openai/gpt-4.1' };
    const shapeRefusal = await put(notAChain);
    expect(shapeRefusal.status).toBe(400);
    expect(shapeRefusal.body.param).toBe('useCases.code');

    const unauthenticated = await request(gw.baseUrl).get('/api/v1/me/usage');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body).not.toHaveProperty('param');
  });

  it('a failure left out of fallbackOn ends the request; one listed still falls back', async () => {
    const body = await current();
    body.fallbackOn = ['auth', 'timeout', 'server', 'connection'];
    const changed = await put(body);
    expect(changed.status).toBe(200);
    expect(changed.body.fallbackOn).toEqual(['auth', 'timeout', 'server', 'connection']);

    swift().failWith(503, 0);
    const served = await chat();
    expect(served.status).toBe(200);
    expect(served.headers['x-switchyard-attempts']).toBe('2');
    swift().failWith(null);

    swift().failWith(429, 1);
    const before = swift().stats().requests;
    const res = await chat();
    // The only attempt was rate limited: the caller hears it as a 429 with Retry-After, never a 400.
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.body.error.message).toContain('rate_limited 429');
    expect(res.headers['retry-after']).toBe('1');
    expect(swift().stats().requests).toBe(before + 1);
    const events = await gw.gateway.runtime.eventStore.readStream(
      toRequestStreamId(res.headers['x-switchyard-request-id'] as string),
    );
    expect(events.map((e) => e.type)).toEqual(['RequestRouted', 'RequestFailed']);
    expect(events[0]!.data).toMatchObject({ chosenModelId: 'mock-swift/swift-mini' });
    expect(events[1]!.data).toMatchObject({
      reason: 'rate_limited',
      attempts: 1,
      lastProvider: 'mock-swift',
    });
  });
});

describe("context window routing on the prompt's token bound (embedded)", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
  });
  afterAll(() => gw?.close());

  const ask = (content: string, extra: Record<string, unknown> = {}) =>
    request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'eco', messages: [{ role: 'user', content }], max_tokens: 8, ...extra });

  it('a prompt too long for the cheapest model goes to one whose window fits it', async () => {
    // 150 KB: bounded at ≈150 K tokens (one per UTF-8 byte, the most any tokenizer makes of it),
    // over swift-mini's 128 K window and under sage-medium's 200 K.
    const prompt = 'word '.repeat(30_000);
    const res = await ask(prompt);
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-model']).toBe('mock-sage/sage-medium');
  });

  it('a prompt no model can hold is a 400 naming the problem, before any upstream call', async () => {
    const res = await ask('word '.repeat(210_000));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ROUTING.NO_ELIGIBLE_MODEL');
  });

  it('asking for more output tokens than a model gives excludes it', async () => {
    const res = await ask('hi', { max_tokens: 20_000 });
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-model']).toBe('mock-sage/sage-medium'); // swift-mini stops at 16 K
  });
});
