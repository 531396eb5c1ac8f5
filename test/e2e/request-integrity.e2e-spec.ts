import http from 'node:http';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/** `{"error":{"message","type","code","param"}}` and nothing else. */
const expectOpenAIError = (body: unknown, code: string): void => {
  const error = (body as { error?: Record<string, unknown> }).error;
  expect(Object.keys(body as object)).toEqual(['error']);
  expect(Object.keys(error ?? {}).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof error!.message).toBe('string');
  expect(typeof error!.type).toBe('string');
  expect(error!.code).toBe(code);
};

const LIMIT = 64 * 1024;

describeBackends('request integrity on /v1/chat/completions', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(backend, { MAX_REQUEST_BYTES: String(LIMIT) });
  });
  afterAll(() => gw?.close());

  const post = (body: string, key: string | null) => {
    const r = request(gw.baseUrl).post('/v1/chat/completions').set('content-type', 'application/json');
    if (key) r.set('authorization', `Bearer ${key}`);
    return r.send(body);
  };

  /**
   * Sends the headers and a first few bytes of a body announced as `contentLength` long, then waits:
   * the answer can only arrive while the body is still missing if the gateway did not wait for it.
   */
  const answerBeforeBody = (
    authorization: string | undefined,
    contentLength: number,
  ): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const url = new URL('/v1/chat/completions', gw.baseUrl);
      const req = http.request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(contentLength),
          ...(authorization && { authorization }),
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown });
        });
      });
      req.on('error', reject);
      req.write('{"model":"auto","messages":[{"role":"user","content":"');
    });

  it('no key: 401 before the body is read, even for a body far over the limit', async () => {
    const answer = await answerBeforeBody(undefined, 1024 * 1024 * 1024);
    expect(answer.status).toBe(401);
    expectOpenAIError(answer.body, 'missing_api_key');
  });

  it('a wrong key: 401 before the body is read', async () => {
    const answer = await answerBeforeBody('Bearer sk-sy-not-a-key-of-this-gateway', 10 * LIMIT);
    expect(answer.status).toBe(401);
    expectOpenAIError(answer.body, 'invalid_api_key');
  });

  it('a wrong key with malformed JSON is a 401, not a 400: the parser never ran', async () => {
    const res = await post('{"model": "auto", "messages": [', 'sk-sy-wrong');
    expect(res.status).toBe(401);
    expectOpenAIError(res.body, 'invalid_api_key');
    const none = await post('{{{{', null);
    expect(none.status).toBe(401);
    expectOpenAIError(none.body, 'missing_api_key');
  });

  it('a wrong key with a body over MAX_REQUEST_BYTES is a 401, not a 413', async () => {
    const res = await post(`{"model":"auto","junk":"${'x'.repeat(2 * LIMIT)}"}`, 'sk-sy-wrong');
    expect(res.status).toBe(401);
    expectOpenAIError(res.body, 'invalid_api_key');
  });

  it('the right key and malformed JSON is still a 400 invalid_json', async () => {
    const res = await post('{"model": "auto", "messages": [', gw.userKey);
    expect(res.status).toBe(400);
    expectOpenAIError(res.body, 'invalid_json');
  });

  it('a body over MAX_REQUEST_BYTES is a 413 in OpenAI shape', async () => {
    const content = 'x'.repeat(LIMIT);
    const res = await post(
      JSON.stringify({ model: 'auto', messages: [{ role: 'user', content }] }),
      gw.userKey,
    );
    expect(res.status).toBe(413);
    expectOpenAIError(res.body, 'request_too_large');
    expect(res.body.error.type).toBe('invalid_request_error');
  });

  it('a body just under MAX_REQUEST_BYTES is served', async () => {
    const content = 'rail yard '.repeat((LIMIT - 200) / 10);
    const res = await post(
      JSON.stringify({ model: 'auto', messages: [{ role: 'user', content }] }),
      gw.userKey,
    );
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('chat.completion');
  });

  it('the portal API answers a body over MAX_REQUEST_BYTES with problem+json 413', async () => {
    const res = await request(gw.baseUrl)
      .post('/api/v1/admin/providers')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ slug: 'too-big', name: 'x'.repeat(2 * LIMIT) }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 413, code: 'request_too_large' });
  });

  const chat = (body: Record<string, unknown>) =>
    request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'auto', messages: [{ role: 'user', content: 'Say something.' }], ...body });

  /** Every top-level field any mock provider has been sent so far. */
  const seenUpstream = (): string[] =>
    [...gw.gateway.runtime.mocks.values()].flatMap((m) => m.stats().paramsSeen);

  it('unknown fields are dropped before the upstream and listed in x-switchyard-ignored-params', async () => {
    const res = await chat({ top_k: 40, zz_vendor: { deep: [1] }, power_level: 'eco', temperature: 0 });
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-ignored-params']).toBe('top_k,zz_vendor');
    expect(seenUpstream()).toEqual(expect.arrayContaining(['model', 'messages', 'temperature']));
    expect(seenUpstream()).not.toEqual(expect.arrayContaining(['top_k']));
    expect(seenUpstream()).not.toContain('zz_vendor');
    expect(seenUpstream()).not.toContain('power_level');
  });

  it('streams carry the same header', async () => {
    const res = await chat({ stream: true, repetition_penalty: 1.2 }).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.headers['x-switchyard-ignored-params']).toBe('repetition_penalty');
    expect(res.text).toContain('data: [DONE]');
    expect(seenUpstream()).not.toContain('repetition_penalty');
  });

  it('a request with only known fields has no such header', async () => {
    const res = await chat({ temperature: 0, power_level: 'eco' });
    expect(res.status).toBe(200);
    expect(res.headers['x-switchyard-ignored-params']).toBeUndefined();
  });

  it.each([
    [{ service_tier: 'priority' }, 'service_tier'],
    [{ store: true }, 'store'],
    [{ web_search_options: {} }, 'web_search_options'],
    [{ modalities: ['text', 'audio'] }, 'modalities'],
    [{ audio: { voice: 'alloy', format: 'mp3' } }, 'audio'],
    [{ prediction: { type: 'content', content: 'draft' } }, 'prediction'],
  ])('%j changes what the provider charges: 400 naming %s', async (extra, param) => {
    const res = await chat(extra);
    expect(res.status).toBe(400);
    expectOpenAIError(res.body, 'unsupported_parameter');
    expect(res.body.error.param).toBe(param);
    expect(res.body.error.type).toBe('invalid_request_error');
  });

  it('the priced defaults of those parameters are served', async () => {
    const res = await chat({ service_tier: 'default', store: false, modalities: ['text'] });
    expect(res.status).toBe(200);
  });

  it.each([
    [[{ type: 'image_url' }], 'messages[0].content[0].image_url'],
    [[{ type: 'image_url', image_url: {} }], 'messages[0].content[0].image_url.url'],
    [[{ type: 'text', text: 'hi' }, { type: 'text' }], 'messages[0].content[1].text'],
  ])('malformed content %j is a 400 naming %s, not a 500', async (content, param) => {
    const res = await chat({ messages: [{ role: 'user', content }] });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe(param);
  });

  it('tool_calls: [{}] is a 400 naming the missing field, not a 500', async () => {
    const res = await chat({
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{}] },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('messages[1].tool_calls[0].id');
  });

  it('an admin can allow a paid parameter on a provider; then it is forwarded there', async () => {
    const admin = (path: string) =>
      request(gw.baseUrl).put(path).set('authorization', `Bearer ${gw.adminKey}`);
    const put = await admin('/api/v1/admin/providers/mock-swift').send({
      allowedPaidParams: ['service_tier'],
    });
    expect(put.status).toBe(200);
    expect(put.body.allowedPaidParams).toEqual(['service_tier']);
    const bad = await admin('/api/v1/admin/providers/mock-swift').send({ allowedPaidParams: ['turbo'] });
    expect(bad.status).toBe(400);
    try {
      const res = await chat({ model: 'mock-swift/swift-mini', service_tier: 'priority' });
      expect(res.status).toBe(200);
      expect(res.headers['x-switchyard-provider']).toBe('mock-swift');
      expect(res.headers['x-switchyard-ignored-params']).toBeUndefined();
      expect(gw.gateway.runtime.mocks.get('mock-swift')!.stats().paramsSeen).toContain('service_tier');
      // routing sends it only where it is allowed; a model named on another provider is refused
      const routed = await chat({ model: 'auto', service_tier: 'priority' });
      expect(routed.status).toBe(200);
      expect(routed.headers['x-switchyard-provider']).toBe('mock-swift');
      const elsewhere = await chat({ model: 'mock-sage/sage-large', service_tier: 'priority' });
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.body.error.param).toBe('service_tier');
      // still refused where nobody allows it
      const store = await chat({ model: 'mock-swift/swift-mini', store: true });
      expect(store.status).toBe(400);
      expect(store.body.error.param).toBe('store');
    } finally {
      await admin('/api/v1/admin/providers/mock-swift').send({ allowedPaidParams: [] }).expect(200);
    }
    const after = await chat({ service_tier: 'priority' });
    expect(after.status).toBe(400);
  });
});
