import request from 'supertest';
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

describe('context window routing with a real tokenizer (embedded)', () => {
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
    const prompt = 'word '.repeat(140_000); // ≈140 K tokens: over 128 K, under 200 K
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
