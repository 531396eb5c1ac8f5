import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { newUser } from './support/accounts';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * The portal's "Test connection" before a key is added (POST /api/v1/me/keys/test): the provider's
 * verdict on a key that is never stored, under the same rules as adding one; and what the providers
 * list tells a tier without BYOK (the tier that unlocks it).
 */

const hex = (n: number): string => randomBytes(n).toString('hex');
const GOOD = `check-good-${hex(16)}`;
const WRONG = `check-wrong-${hex(16)}`;
const MODEL = 'check-model';

describe('BYOK: checking a key before adding it', () => {
  let gw: TestGateway;
  let upstream: MockProvider;
  let starter: string;
  let free: string;
  const as = (key: string) => ({
    get: (url: string) => request(gw.baseUrl).get(url).set('authorization', `Bearer ${key}`),
    post: (url: string) => request(gw.baseUrl).post(url).set('authorization', `Bearer ${key}`),
  });

  beforeAll(async () => {
    gw = await startTestGateway('pglite', { ALLOWED_UPSTREAM_HOSTS: '127.0.0.1' });
    upstream = await startMockProvider({ requireApiKey: GOOD, models: [MODEL] });
    await as(gw.adminKey)
      .post('/api/v1/admin/providers')
      .send({ slug: 'checked', name: 'Checked', kind: 'openai-compatible', baseUrl: `${upstream.url}/v1` })
      .expect(201);
    starter = (await newUser(gw.baseUrl, gw.adminKey, 'starter')).apiKey;
    free = (await newUser(gw.baseUrl, gw.adminKey, 'free')).apiKey;
  });

  afterAll(async () => {
    await upstream?.close();
    await gw?.close();
  });

  it('a key the provider accepts: ok, and nothing is stored', async () => {
    const requestsBefore = upstream.stats().requests;
    const res = await as(starter)
      .post('/api/v1/me/keys/test')
      .send({ provider: 'checked', apiKey: GOOD })
      .expect(200);
    expect(res.body).toEqual({ ok: true, latencyMs: expect.any(Number), error: null });
    expect(upstream.stats().requests).toBeGreaterThan(requestsBefore);
    expect((await as(starter).get('/api/v1/me/keys').expect(200)).body.data).toEqual([]);
  });

  it('a key the provider refuses: not ok with the failure kind, never the key', async () => {
    const res = await as(starter)
      .post('/api/v1/me/keys/test')
      .send({ provider: 'checked', apiKey: WRONG })
      .expect(200);
    expect(res.body).toEqual({
      ok: false,
      latencyMs: expect.any(Number),
      error: { kind: 'auth', status: 401 },
    });
    expect(JSON.stringify(res.body)).not.toContain(WRONG.slice(-12));
  });

  it('the rules of adding apply: format, provider, custom endpoint, body', async () => {
    const format = await as(starter)
      .post('/api/v1/me/keys/test')
      .send({ provider: 'checked', apiKey: 'has spaces in it, 1234567890' })
      .expect(400);
    expect(format.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(format.body.code).toBe('KEYS.INVALID_KEY_FORMAT');
    expect(JSON.stringify(format.body)).not.toContain('has spaces');

    const unknown = await as(starter)
      .post('/api/v1/me/keys/test')
      .send({ provider: 'no-such-provider', apiKey: GOOD })
      .expect(400);
    expect(unknown.body.code).toBe('KEYS.UNKNOWN_PROVIDER');

    const noUrl = await as(starter)
      .post('/api/v1/me/keys/test')
      .send({ provider: 'custom', apiKey: GOOD, models: [MODEL] })
      .expect(400);
    expect(noUrl.body.code).toBe('KEYS.INVALID_CUSTOM_ENDPOINT');

    await as(starter).post('/api/v1/me/keys/test').send({ provider: 'checked', apiKey: 42 }).expect(400);
    await as(starter).post('/api/v1/me/keys/test').send('not json').type('json').expect(400);
    await as(starter)
      .post('/api/v1/me/keys/test')
      .send({ provider: 'checked', apiKey: GOOD, label: 'not a check field' })
      .expect(400);
  });

  it('a custom OpenAI-compatible endpoint is checked at its own URL', async () => {
    const ok = await as(starter)
      .post('/api/v1/me/keys/test')
      .send({ provider: 'custom', apiKey: GOOD, baseUrl: `${upstream.url}/v1`, models: [MODEL] })
      .expect(200);
    expect(ok.body.ok).toBe(true);
    const refused = await as(starter)
      .post('/api/v1/me/keys/test')
      .send({ provider: 'custom', apiKey: WRONG, baseUrl: `${upstream.url}/v1`, models: [MODEL] })
      .expect(200);
    expect(refused.body).toMatchObject({ ok: false, error: { kind: 'auth' } });
  });

  it('the free tier may not check keys, and the providers list names the tier that unlocks BYOK', async () => {
    const refused = await as(free)
      .post('/api/v1/me/keys/test')
      .send({ provider: 'checked', apiKey: GOOD })
      .expect(403);
    expect(refused.body.code).toBe('KEYS.BYOK_NOT_ALLOWED');

    const providers = await as(free).get('/api/v1/me/keys/providers').expect(200);
    expect(providers.body).toEqual({
      data: [],
      byok: { allowed: false, keysPerProvider: 0, unlockedBy: 'starter' },
    });
    const mine = await as(starter).get('/api/v1/me/keys/providers').expect(200);
    expect(mine.body.byok).toEqual({ allowed: true, keysPerProvider: 1, unlockedBy: 'starter' });
    expect(mine.body.data.map((p: { provider: string }) => p.provider)).toEqual(
      expect.arrayContaining(['checked', 'custom']),
    );
  });
});
