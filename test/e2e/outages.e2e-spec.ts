import OpenAI from 'openai';
import request from 'supertest';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { toRequestStreamId } from '@gw/routing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const hi = { messages: [{ role: 'user', content: 'hello' }] };

/** An answer in OpenAI's error shape, with a status and Retry-After as the issue asks. */
function expectOutage(res: request.Response, status: 429 | 503): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    error: {
      message: expect.any(String),
      type: status === 429 ? 'rate_limit_error' : 'api_error',
      code: status === 429 ? 'rate_limited' : 'upstream_unavailable',
      param: null,
    },
  });
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

describe('outages: two admin-registered providers (embedded, no mocks)', () => {
  let gw: TestGateway;
  let alpha: MockProvider;
  let beta: MockProvider;
  beforeAll(async () => {
    [alpha, beta] = await Promise.all([
      startMockProvider({ requireApiKey: 'sk-alpha-key-for-outage-tests' }),
      startMockProvider({ requireApiKey: 'sk-beta-key-for-outage-tests' }),
    ]);
    // A cooldown far longer than the test: only panic-mode trials can bring a provider back.
    gw = await startTestGateway('pglite', {
      MOCK_PROVIDERS: 'off',
      HEALTH_COOLDOWN_MS: '600000',
      HEALTH_PROBE_INTERVAL_MS: '0',
    });
    for (const [slug, mock, key] of [
      ['alpha', alpha, 'sk-alpha-key-for-outage-tests'],
      ['beta', beta, 'sk-beta-key-for-outage-tests'],
    ] as const) {
      await admin()
        .post('/api/v1/admin/providers')
        .send({ slug, name: slug, kind: 'openai-compatible', baseUrl: `${mock.url}/v1`, apiKey: key })
        .expect(201);
      await admin()
        .post('/api/v1/admin/models')
        .send({
          provider: slug,
          model: 'm1',
          displayName: `${slug} m1`,
          prices: { inputPerMillionMicros: '50000', outputPerMillionMicros: '100000' },
          contextWindow: 64_000,
          maxOutputTokens: 4_096,
          capabilities: { streaming: true, tools: true, vision: false, jsonMode: true },
          quality: slug === 'alpha' ? 0.9 : 0.8, // alpha first while both are healthy
          powerLevels: ['eco', 'balanced', 'precision'],
        })
        .expect(201);
    }
  });
  afterAll(async () => {
    await gw?.close();
    await Promise.all([alpha?.close(), beta?.close()]);
  });

  const admin = () => ({
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${gw.adminKey}`),
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${gw.adminKey}`),
  });
  const chat = (body: Record<string, unknown> = { model: 'auto', ...hi }) =>
    request(gw.baseUrl).post('/v1/chat/completions').set('authorization', `Bearer ${gw.userKey}`).send(body);
  const state = async (slug: string): Promise<string> =>
    (await admin().get(`/api/v1/admin/providers/${slug}/health`).expect(200)).body.state;

  it('one failing: every request succeeds through the other', async () => {
    alpha.failWith(500);
    for (let i = 0; i < 12; i++) {
      const res = await chat();
      expect(res.status).toBe(200);
      expect(res.headers['x-switchyard-provider']).toBe('beta');
    }
    // Its failures weigh on its score: the healthy one is tried first, without a wasted attempt.
    const skipped = await chat();
    expect(skipped.headers['x-switchyard-attempts']).toBe('1');
  });

  it('both failing: every request is an OpenAI-shaped 503 with Retry-After, never a 400', async () => {
    beta.failWith(503, 0); // no retry-after: the breakers, not pauses, take them out
    for (let i = 0; i < 12; i++) expectOutage(await chat(), 503);
    expect([await state('alpha'), await state('beta')]).toEqual(['open', 'open']);
    expect((await chat({ model: 'alpha/m1', ...hi })).status).toBe(503); // named: the same outage
    // Every circuit open: panic mode still tries them (within max attempts) instead of refusing.
    const before = alpha.stats().requests + beta.stats().requests;
    const res = await chat({ model: 'balanced', ...hi, stream: true });
    expectOutage(res, 503);
    expect(alpha.stats().requests + beta.stats().requests).toBe(before + 2);
    const events = await gw.gateway.runtime.eventStore.readStream(
      toRequestStreamId(res.headers['x-switchyard-request-id'] as string),
    );
    expect(events.map((e) => e.type)).toEqual(['RequestRouted', 'FallbackTriggered', 'RequestFailed']);
    expect(events[2]!.data).toMatchObject({ reason: 'server', status: 503, attempts: 2 });
  });

  it('both recovered: the very next requests succeed, and a success closes the circuit at once', async () => {
    alpha.failWith(null);
    beta.failWith(null);
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    const next = await chat();
    expect(next.status).toBe(200);
    // Whichever failed longest ago was tried first and closed; with it back, routing is normal again.
    expect([await state('alpha'), await state('beta')]).toContain('closed');
    for (let i = 0; i < 5; i++) expect((await chat()).status).toBe(200);
    // The other is still cooling down, but named on its own it is a trial too, and served at once.
    for (const model of ['alpha/m1', 'beta/m1']) expect((await chat({ model, ...hi })).status).toBe(200);
    expect([await state('alpha'), await state('beta')]).toEqual(['closed', 'closed']);
    await gw.gateway.runtime.writer.flush();
    const recovered = (await gw.gateway.runtime.eventStore.readAll()).filter(
      (e) => e.type === 'ProviderRecovered',
    );
    expect(recovered.length).toBeGreaterThanOrEqual(1);
    expect((recovered[0]!.data as { reason: string }).reason).toContain('trial request succeeded');
  });

  it('every candidate paused by its own retry-after: 429 rate_limited without calling anyone', async () => {
    alpha.failWith(429, 30);
    beta.failWith(429, 20);
    const first = await chat();
    expectOutage(first, 429);
    expect(first.headers['retry-after']).toBe('20'); // the earliest of the two pauses
    const before = alpha.stats().requests + beta.stats().requests;
    const paused = await chat({ model: 'alpha/m1', ...hi });
    expectOutage(paused, 429);
    expect(Number(paused.headers['retry-after'])).toBeGreaterThan(20);
    expectOutage(await chat(), 429);
    expect(alpha.stats().requests + beta.stats().requests).toBe(before);
  });
});

describe('outages: the embedded mocks failing half the time', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('pglite', { MOCK_FAILURE_RATE: '0.5', HEALTH_PROBE_INTERVAL_MS: '0' });
  });
  afterAll(() => gw?.close());

  it('no response is a 400; every failure is a 429 or 503 in OpenAI shape; fallbacks are explained', async () => {
    const models = ['auto', 'eco', 'balanced', 'precision'];
    const statuses = new Map<number, number>();
    const fellBack: Array<{ id: string; attempts: number; status: number }> = [];
    // At least 40 requests, and on until some fell back (bounded: a fallback comes within a few).
    const deadline = Date.now() + 15_000;
    for (let i = 0; i < 40 || (fellBack.length === 0 && Date.now() < deadline); i++) {
      const res = await request(gw.baseUrl)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${gw.userKey}`)
        .send({ model: models[i % models.length], ...hi, stream: i % 3 === 0 });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const attempts = Number(res.headers['x-switchyard-attempts'] ?? 0);
      const id = res.headers['x-switchyard-request-id'] as string;
      if (res.status !== 200) {
        expect([429, 503]).toContain(res.status);
        expectOutage(res, res.status as 429 | 503);
      } else if (attempts > 1) fellBack.push({ id, attempts, status: 200 });
    }
    expect(statuses.get(400)).toBeUndefined();
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(fellBack.length).toBeGreaterThan(0);
    await gw.waitForProjections();
    for (const { id, attempts } of fellBack) {
      const explained = await request(gw.baseUrl)
        .get(`/api/v1/requests/${id}`)
        .set('authorization', `Bearer ${gw.userKey}`)
        .expect(200);
      expect(explained.body.outcome).toBe('completed');
      expect(explained.body.fallbacks).toHaveLength(attempts - 1);
    }
  });
});
