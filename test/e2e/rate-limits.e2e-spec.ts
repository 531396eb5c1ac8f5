import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends, postgresUrl } from '@gw/database/testing';
import { DEFAULT_RATE_LIMITS } from '@gw/limits';
import { redisUrl } from '@gw/limits/testing';
import { toRequestStreamId } from '@gw/routing';
import { describeIf, eventually } from '@gw/shared-kernel/testing';
import { newUser } from './support/accounts';
import { startExtraInstance, type ExtraInstance } from './support/extra-instance';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const LIMITS = '/api/v1/admin/limits';

const as = (baseUrl: string, key: string) => ({
  get: (p: string) => request(baseUrl).get(p).set('authorization', `Bearer ${key}`),
  post: (p: string) => request(baseUrl).post(p).set('authorization', `Bearer ${key}`),
  put: (p: string) => request(baseUrl).put(p).set('authorization', `Bearer ${key}`),
});

/** A new user of this tier with one gateway key, made through the admin API. */
const chatBody = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };

describeBackends('rate limits per tier (embedded: in-memory limiter)', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(backend, {}, { rateLimits: 'defaults' });
  });
  afterAll(() => gw?.close());
  const admin = () => as(gw.baseUrl, gw.adminKey);

  it('GET shows the defaults at version 0; users get 403 on GET and PUT', async () => {
    const res = await admin().get(LIMITS).expect(200);
    expect(res.headers.etag).toBe('"0"');
    expect(res.body).toEqual({ version: 0, tiers: DEFAULT_RATE_LIMITS });
    expect(res.body.tiers.enterprise.rpd).toBeNull();
    const get = await as(gw.baseUrl, gw.userKey).get(LIMITS);
    expect(get.status).toBe(403);
    expect(get.headers['content-type']).toContain('application/problem+json');
    await as(gw.baseUrl, gw.userKey)
      .put(LIMITS)
      .send({ tiers: { free: { rpm: 1000 } } })
      .expect(403);
  });

  it.each([
    [{ tiers: { free: { rpm: -1 } } }, 'tiers.free.rpm'],
    [{ tiers: { free: { tpm: 1.5 } } }, 'tiers.free.tpm'],
    [{ tiers: { gold: { rpm: 1 } } }, 'tiers.gold'],
    [{ tiers: { free: { rps: 1 } } }, 'tiers.free.rps'],
    [{ tiers: { free: { rpm: '5' } } }, 'tiers.free.rpm'],
    [{ limits: {} }, 'limits'],
  ])('a bad body is a 400 naming the field (%j)', async (body, field) => {
    const res = await admin().put(LIMITS).send(body).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain(field);
  });

  it('admin sets free rpm to 3: a free user gets 3 answers with x-ratelimit-* headers, then 429 with Retry-After (no usage recorded)', async () => {
    const put = await admin()
      .put(LIMITS)
      .set('if-match', '"0"')
      .send({ tiers: { free: { rpm: 3 } } })
      .expect(200);
    expect(put.headers.etag).toBe('"1"');
    expect(put.body.tiers).toEqual({ ...DEFAULT_RATE_LIMITS, free: { ...DEFAULT_RATE_LIMITS.free, rpm: 3 } });
    // A stale If-Match is a 412; the limits stay as they are.
    await admin()
      .put(LIMITS)
      .set('if-match', '"0"')
      .send({ tiers: { free: { rpm: 4 } } })
      .expect(412);
    expect((await admin().get(LIMITS).expect(200)).body.tiers.free.rpm).toBe(3);

    const user = await newUser(gw.baseUrl, gw.adminKey, 'free');
    const chat = () => as(gw.baseUrl, user.apiKey).post('/v1/chat/completions').send(chatBody);
    for (const remaining of [2, 1, 0]) {
      const ok = await chat().expect(200);
      expect(ok.headers).toMatchObject({
        'x-ratelimit-limit-requests': '3',
        'x-ratelimit-remaining-requests': String(remaining),
        'x-ratelimit-limit-tokens': '10000',
      });
      expect(ok.headers['x-ratelimit-reset-requests']).toMatch(/^(\d+m)?\d+s$/);
      expect(Number(ok.headers['x-ratelimit-remaining-tokens'])).toBeLessThan(10_000);
    }
    const refused = await chat().expect(429);
    expect(refused.body).toEqual({
      error: {
        message: expect.stringContaining('3 requests per minute'),
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        param: null,
      },
    });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers).toMatchObject({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
    });
    expect(refused.headers['x-ratelimit-reset-requests']).toMatch(/^(\d+m)?\d+s$/);
    // Refused before routing: no request events at all.
    const id = refused.headers['x-switchyard-request-id']!;
    expect(await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(id))).toEqual([]);

    // The openai client sees OpenAI's RateLimitError.
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: user.apiKey, maxRetries: 0 });
    const error = await client.chat.completions.create(chatBody as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('rate_limit_exceeded');

    const metrics = await request(gw.baseUrl)
      .get('/metrics')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .expect(200);
    expect(metrics.text).toMatch(/switchyard_rate_limited_total\{tier="free",dimension="rpm"\} [2-9]/);
    expect(metrics.text).toContain('switchyard_rate_limiter_degraded 0');
  });

  it('a streamed answer carries the headers too; tokens count the requested max output until answered, then what was used; null removes a limit and its headers', async () => {
    await admin()
      .put(LIMITS)
      .send({ tiers: { starter: { rph: null, rpd: null, tpm: 1_000 } } })
      .expect(200);
    const user = await newUser(gw.baseUrl, gw.adminKey, 'starter');
    const stream = await as(gw.baseUrl, user.apiKey)
      .post('/v1/chat/completions')
      .send({ ...chatBody, stream: true, max_tokens: 500 })
      .expect(200);
    expect(stream.headers['content-type']).toContain('text/event-stream');
    expect(stream.text).toContain('data: [DONE]');
    expect(stream.headers).toMatchObject({
      'x-ratelimit-limit-requests': '30',
      'x-ratelimit-remaining-requests': '29',
      'x-ratelimit-limit-tokens': '1000',
    });
    expect(Number(stream.headers['x-ratelimit-remaining-tokens'])).toBeLessThan(500);
    // Once answered, a request counts what it used, not the output it could have had (corrected
    // after the answer, off its path).
    let sent = 1;
    const remaining = await eventually(
      async () => {
        const probe = await as(gw.baseUrl, user.apiKey)
          .post('/v1/chat/completions')
          .send({ ...chatBody, max_tokens: 1 })
          .expect(200);
        sent++;
        const left = Number(probe.headers['x-ratelimit-remaining-tokens']);
        return left > 500 ? left : undefined;
      },
      10_000,
      'tokens per minute counting the real usage',
    );
    // More than is left would not fit: refused by tpm (the prompt's few tokens on top of max_tokens).
    const refused = await as(gw.baseUrl, user.apiKey)
      .post('/v1/chat/completions')
      .send({ ...chatBody, max_tokens: remaining })
      .expect(429);
    expect(refused.body.error.message).toContain('1000 tokens per minute');
    await admin()
      .put(LIMITS)
      .send({ tiers: { starter: { tpm: null } } })
      .expect(200);
    const open = await as(gw.baseUrl, user.apiKey)
      .post('/v1/chat/completions')
      .send({ ...chatBody, max_tokens: 500 })
      .expect(200);
    expect(open.headers['x-ratelimit-remaining-requests']).toBe(String(30 - sent - 1));
    expect(open.headers['x-ratelimit-limit-tokens']).toBeUndefined();
  });
});

const needsBoth = Boolean(postgresUrl()) && Boolean(redisUrl());
describeIf(
  needsBoth,
  'rate limits on two gateway instances: needs DATABASE_URL and REDIS_URL (one PostgreSQL store, one Redis)',
)('rate limits on two gateway instances sharing PostgreSQL and Redis', () => {
  let first: TestGateway;
  let second: ExtraInstance;
  let secondUrl: string;
  beforeAll(async () => {
    first = await startTestGateway('postgres', { REDIS_URL: redisUrl()! }, { rateLimits: 'defaults' });
    second = await startExtraInstance(first, 'limits');
    secondUrl = second.baseUrl;
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('100/min, 300 concurrent requests across both: exactly 100 answered, 200 × 429 with Retry-After', async () => {
    const put = await as(first.baseUrl, first.adminKey)
      .put(LIMITS)
      .send({ tiers: { starter: { rpm: 100, rph: 5_000, rpd: 50_000, tpm: 1_000_000 } } })
      .expect(200);
    const version = put.body.version as number;
    const user = await newUser(first.baseUrl, first.adminKey, 'starter');
    // The second instance sees the new limits and the new key from the log.
    await eventually(
      async () =>
        (await as(secondUrl, first.adminKey).get(LIMITS)).body.version >= version ? true : undefined,
      10_000,
      'the limits on the second instance',
    );
    await eventually(
      async () => ((await as(secondUrl, user.apiKey).get('/api/v1/me')).status === 200 ? true : undefined),
      10_000,
      'the key on the second instance',
    );
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        fetch(`${i % 2 === 0 ? first.baseUrl : secondUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(chatBody),
        }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get('retry-after'),
          body: await r.text(),
        })),
      ),
    );
    const byStatus = new Map<number, number>();
    for (const r of responses) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    expect(Object.fromEntries(byStatus)).toEqual({ 200: 100, 429: 200 });
    for (const r of responses.filter((x) => x.status === 429)) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(r.body).error.code).toBe('rate_limit_exceeded');
    }
  });
});
