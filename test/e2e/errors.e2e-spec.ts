import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/** `{"error":{"message","type","code","param"}}` and nothing else; param is a string or null. */
const expectOpenAIError = (body: unknown, code?: string): void => {
  const error = (body as { error?: Record<string, unknown> }).error;
  expect(Object.keys(body as object)).toEqual(['error']);
  expect(Object.keys(error ?? {}).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof error!.message).toBe('string');
  expect(typeof error!.type).toBe('string');
  expect(typeof error!.code).toBe('string');
  expect(error!.param === null || typeof error!.param === 'string').toBe(true);
  if (code) expect(error!.code).toBe(code);
};

describeBackends('errors in OpenAI shape', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(backend);
  });
  afterAll(() => gw?.close());

  const post = (body: unknown, key: string | null = gw.userKey) => {
    const r = request(gw.baseUrl).post('/v1/chat/completions').set('content-type', 'application/json');
    if (key) r.set('authorization', `Bearer ${key}`);
    return r.send(typeof body === 'string' ? body : JSON.stringify(body));
  };

  it('401 without a key', async () => {
    const res = await post({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }, null);
    expect(res.status).toBe(401);
    expectOpenAIError(res.body, 'missing_api_key');
  });

  it('401 with a wrong key, and the key is not echoed', async () => {
    const wrong = 'sk-sy-thisIsNotARealKeyButLooksLikeOne0000000000';
    const res = await post({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }, wrong);
    expect(res.status).toBe(401);
    expectOpenAIError(res.body, 'invalid_api_key');
    expect(JSON.stringify(res.body)).not.toContain(wrong);
  });

  it('401 through the official client is an AuthenticationError', async () => {
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: 'nope', maxRetries: 0 });
    await expect(
      client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('400 for malformed JSON', async () => {
    const res = await post('{"model": "auto", "messages": [');
    expect(res.status).toBe(400);
    expectOpenAIError(res.body, 'invalid_json');
  });

  it('400 naming the missing parameter', async () => {
    const res = await post({ model: 'auto' });
    expect(res.status).toBe(400);
    expectOpenAIError(res.body);
    expect(res.body.error.param).toBe('messages');
    expect(res.body.error.type).toBe('invalid_request_error');
  });

  it('400 naming a nested parameter', async () => {
    const res = await post({ model: 'auto', messages: [{ role: 'wizard', content: 'hi' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('messages[0].role');
  });

  it('400 for out-of-range values', async () => {
    const res = await post({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], temperature: 7 });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('temperature');
    const n = await post({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], n: 0 });
    expect(n.body.error.param).toBe('n');
  });

  it('400 for a bad X-Power-Level', async () => {
    const res = await post({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }).set(
      'x-power-level',
      'turbo',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('X-Power-Level');
  });

  it('404 for an unknown model', async () => {
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('404 in OpenAI shape for an unknown /v1 route', async () => {
    const res = await request(gw.baseUrl)
      .get('/v1/nothing-here')
      .set('authorization', `Bearer ${gw.userKey}`);
    expect(res.status).toBe(404);
    expectOpenAIError(res.body);
  });

  it('problem+json on the portal API', async () => {
    const res = await request(gw.baseUrl).get('/api/v1/me/usage');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      status: 401,
      code: 'missing_api_key',
      correlationId: expect.any(String),
    });
  });

  it('never logs gateway keys', async () => {
    await post({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    await post({ model: 'auto' });
    expect(gw.logs()).not.toContain(gw.userKey);
    expect(gw.logs()).not.toContain(gw.adminKey);
  });
});
