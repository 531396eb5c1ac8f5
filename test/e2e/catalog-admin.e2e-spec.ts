import OpenAI from 'openai';
import request from 'supertest';
import { VAULT_SECRETS_TABLE } from '@gw/key-vault';
import { describeBackends } from '@gw/database/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const ACME_KEY = 'sk-acme-e2e-platform-key-5up3r-s3cr3t';

describeBackends('admin catalog', (backend) => {
  let gw: TestGateway;
  let client: OpenAI;
  beforeAll(async () => {
    gw = await startTestGateway(backend);
    client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
  });
  afterAll(() => gw?.close());

  const as = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${key}`),
    put: (path: string) => request(gw.baseUrl).put(path).set('authorization', `Bearer ${key}`),
    delete: (path: string) => request(gw.baseUrl).delete(path).set('authorization', `Bearer ${key}`),
  });
  const admin = () => as(gw.adminKey);
  const mockSwiftUrl = () => `${gw.gateway.runtime.mockUrls.get('mock-swift')}/v1`;
  const acmeModel = {
    provider: 'acme',
    model: 'swift-mini',
    displayName: 'Acme Swift',
    prices: { inputPerMillionMicros: '50000', outputPerMillionMicros: '100000' },
    contextWindow: 64_000,
    maxOutputTokens: 4_096,
    capabilities: { streaming: true, tools: true, vision: false, jsonMode: true },
    quality: 0.9,
    powerLevels: ['eco', 'balanced'],
  };

  it('is seeded with the real providers (serving nothing until keyed) and the mocks (active)', async () => {
    const { body } = await admin().get('/api/v1/admin/providers').expect(200);
    const bySlug = new Map<string, { status: string; seeded: boolean }>(
      body.data.map((p: { slug: string; status: string; seeded: boolean }) => [p.slug, p]),
    );
    const hosted = ['openai', 'anthropic', 'gemini', 'openrouter', 'together', 'groq', 'fireworks'];
    for (const slug of [...hosted, 'cohere', 'mistral', 'perplexity', 'deepinfra', 'huggingface'])
      expect(bySlug.get(slug)).toMatchObject({ status: 'needs_key', seeded: true });
    for (const slug of ['vllm', 'ollama'])
      expect(bySlug.get(slug)).toMatchObject({ status: 'disabled', seeded: true });
    for (const slug of ['mock-swift', 'mock-sage', 'mock-atlas'])
      expect(bySlug.get(slug)?.status).toBe('active');
    const models = await admin().get('/api/v1/admin/models').expect(200);
    const real = models.body.data.filter((m: { provider: string }) => !m.provider.startsWith('mock-'));
    expect(real.length).toBeGreaterThanOrEqual(30);
    expect(real.every((m: { routable: boolean }) => !m.routable)).toBe(true);
    // Clients see only what can serve them.
    const listed = await client.models.list();
    expect(listed.data.map((m) => m.id).sort()).toEqual([
      'mock-atlas/atlas-1',
      'mock-sage/sage-large',
      'mock-sage/sage-medium',
      'mock-swift/swift-mini',
    ]);
  });

  it('is for admins only', async () => {
    await as(gw.userKey).get('/api/v1/admin/providers').expect(403);
    await request(gw.baseUrl).get('/api/v1/admin/models').expect(401);
  });

  it('registers a provider with a platform key that only ever comes back masked, then routes to its model', async () => {
    const created = await admin()
      .post('/api/v1/admin/providers')
      .send({
        slug: 'acme',
        name: 'Acme AI',
        kind: 'openai-compatible',
        baseUrl: mockSwiftUrl(),
        apiKey: ACME_KEY,
      })
      .expect(201);
    expect(created.headers.location).toBe('/api/v1/admin/providers/acme');
    expect(created.body).toMatchObject({
      slug: 'acme',
      status: 'active',
      seeded: false,
      platformKey: { masked: expect.stringMatching(/…s3cr3t$|…cr3t$/), last4: 'cr3t', kekVersion: 1 },
    });
    await admin().post('/api/v1/admin/models').send(acmeModel).expect(201);

    const { data, response } = await client.chat.completions
      .create({ model: 'acme/swift-mini', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-provider')).toBe('acme');
    expect(data.model).toBe('acme/swift-mini');
    // Cheapest and best for eco: routing picks it on its own.
    const eco = await client.chat.completions
      .create({ model: 'eco', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(eco.response.headers.get('x-switchyard-model')).toBe('acme/swift-mini');

    const everything = [
      JSON.stringify((await admin().get('/api/v1/admin/providers').expect(200)).body),
      JSON.stringify((await admin().get('/api/v1/admin/providers/acme').expect(200)).body),
      JSON.stringify((await gw.gateway.runtime.eventStore.readAll()).map((e) => e.data)),
      gw.logs(),
    ].join('\n');
    expect(everything).not.toContain(ACME_KEY);
    const rows = await gw.gateway.runtime.knex(VAULT_SECRETS_TABLE).where({ owner_id: 'acme' });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(ACME_KEY);
  });

  it('lists to each caller only the models their tier may use', async () => {
    await admin()
      .post('/api/v1/admin/models')
      .send({ ...acmeModel, model: 'swift-max', minTier: 'enterprise', powerLevels: ['precision'] })
      .expect(201);
    const user = await client.models.list();
    const adminClient = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.adminKey, maxRetries: 0 });
    const everything = await adminClient.models.list();
    expect(user.data.map((m) => m.id)).not.toContain('acme/swift-max'); // the demo user is professional
    expect(everything.data.map((m) => m.id)).toContain('acme/swift-max'); // the admin is on enterprise
    await admin().delete('/api/v1/admin/models/acme/swift-max').expect(204);
  });

  it('changes prices, deprecates and disables models; the next request sees it', async () => {
    const changed = await admin()
      .put('/api/v1/admin/models/acme/swift-mini')
      .send({ prices: { inputPerMillionMicros: '60000', outputPerMillionMicros: '120000' } })
      .expect(200);
    expect(changed.body.prices).toEqual({
      inputPerMillionMicros: '60000',
      outputPerMillionMicros: '120000',
      cachedInputPerMillionMicros: '60000',
      cacheWritePerMillionMicros: '60000',
      cacheWrite1hPerMillionMicros: '60000',
      perRequestMicros: '0',
      longContext: null,
    });
    expect(changed.body.priceVersion).toBe(2);
    await admin()
      .put('/api/v1/admin/models/acme/swift-mini')
      .send({ deprecated: { replacement: 'mock-swift/swift-mini' } })
      .expect(200);
    const eco = await client.chat.completions
      .create({ model: 'eco', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(eco.response.headers.get('x-switchyard-model')).not.toBe('acme/swift-mini');
    const pinned = await client.chat.completions
      .create({ model: 'acme/swift-mini', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(pinned.response.headers.get('x-switchyard-deprecated')).toBe('mock-swift/swift-mini');

    await admin().put('/api/v1/admin/models/acme/swift-mini').send({ enabled: false }).expect(200);
    await expect(
      client.chat.completions.create({
        model: 'acme/swift-mini',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await admin().put('/api/v1/admin/models/acme/swift-mini').send({ enabled: true }).expect(200);
  });

  it('a platform key is all a seeded provider needs to serve', async () => {
    const res = await admin()
      .put('/api/v1/admin/providers/groq')
      .send({ baseUrl: mockSwiftUrl(), apiKey: 'gsk_e2e_groq_key_000000000001' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'active', platformKey: { masked: 'gsk_…0001' } });
    const models = (await admin().get('/api/v1/admin/models?provider=groq').expect(200)).body.data;
    expect(models.every((m: { routable: boolean }) => m.routable)).toBe(true);
    // The mock behind it serves only its own model: take groq out again for the tests below.
    await admin().put('/api/v1/admin/providers/groq').send({ apiKey: null }).expect(200);
    expect((await admin().get('/api/v1/admin/providers/groq').expect(200)).body).toMatchObject({
      status: 'needs_key',
      platformKey: null,
    });
  });

  it('a model id with slashes is addressed with %2F', async () => {
    const path = '/api/v1/admin/models/together/meta-llama%2FLlama-3.3-70B-Instruct-Turbo';
    const res = await admin().put(path).send({ quality: 0.8 }).expect(200);
    expect(res.body).toMatchObject({ id: 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo', quality: 0.8 });
    await admin().get(path).expect(200);
  });

  it('replacing the key shreds the old one; the connection test uses the new one', async () => {
    const next = 'sk-acme-e2e-second-key-0000000000002';
    const res = await admin().put('/api/v1/admin/providers/acme').send({ apiKey: next }).expect(200);
    expect(res.body.platformKey.last4).toBe('0002');
    const rows = await gw.gateway.runtime.knex(VAULT_SECRETS_TABLE).where({ owner_id: 'acme' });
    expect(rows).toHaveLength(1);
    const test = await admin().post('/api/v1/admin/providers/acme/test').send({}).expect(200);
    expect(test.body).toMatchObject({ ok: true, status: 200 });
  });

  it.each([
    ['slug', { slug: 'Bad Slug', name: 'x', kind: 'openai-compatible', baseUrl: 'https://x.test/v1' }],
    ['kind', { slug: 'x1', name: 'x', kind: 'carrier-pigeon', baseUrl: 'https://x.test/v1' }],
    ['baseUrl', { slug: 'x1', name: 'x', kind: 'openai-compatible', baseUrl: 'https://x.test/v1?key=abc' }],
    [
      'apiKey',
      { slug: 'x1', name: 'x', kind: 'openai-compatible', baseUrl: 'https://x.test/v1', apiKey: 42 },
    ],
    [
      'api_key',
      { slug: 'x1', name: 'x', kind: 'openai-compatible', baseUrl: 'https://x.test/v1', api_key: 'k' },
    ],
  ])('a bad provider body is a 400 naming %s, and writes nothing', async (param, body) => {
    const before = (await gw.gateway.runtime.eventStore.readAll()).length;
    const res = await admin().post('/api/v1/admin/providers').send(body).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(res.body)).toContain(param);
    expect(await gw.gateway.runtime.knex(VAULT_SECRETS_TABLE).where({ owner_id: 'x1' })).toHaveLength(0);
    await gw.gateway.runtime.writer.flush();
    expect((await gw.gateway.runtime.eventStore.readAll()).length).toBe(before);
  });

  it('conflicts and unknowns: 409 for a taken slug, 404 for what does not exist', async () => {
    const taken = await admin()
      .post('/api/v1/admin/providers')
      .send({ slug: 'acme', name: 'again', kind: 'openai-compatible', baseUrl: 'https://x.test/v1' })
      .expect(409);
    expect(taken.body.code).toBe('CATALOG.PROVIDER_EXISTS');
    await admin().put('/api/v1/admin/providers/nope').send({ name: 'x' }).expect(404);
    await admin()
      .post('/api/v1/admin/models')
      .send({ ...acmeModel, provider: 'nope' })
      .expect(404);
    await admin().post('/api/v1/admin/models').send(acmeModel).expect(409);
    await admin().delete('/api/v1/admin/models/acme/never').expect(404);
    const noKey = await admin().post('/api/v1/admin/providers/openai/test').send({}).expect(409);
    expect(noKey.body.code).toBe('CATALOG.NO_PLATFORM_KEY');
  });

  it('removing a provider takes its models out of routing and shreds its key', async () => {
    await admin().delete('/api/v1/admin/providers/acme').expect(204);
    await admin().get('/api/v1/admin/providers/acme').expect(404);
    await expect(
      client.chat.completions.create({
        model: 'acme/swift-mini',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await gw.gateway.runtime.knex(VAULT_SECRETS_TABLE).where({ owner_id: 'acme' })).toHaveLength(0);
    const stream = await gw.gateway.runtime.eventStore.readStream('provider-acme');
    expect(stream.map((e) => e.type)).toEqual([
      'ProviderRegistered',
      'PlatformKeySet',
      'PlatformKeySet',
      'ProviderRemoved',
    ]);
  });
});
