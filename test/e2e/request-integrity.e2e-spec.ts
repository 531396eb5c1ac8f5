import http from 'node:http';
import request from 'supertest';
import { backends, startTestGateway, type TestGateway } from './support/test-gateway';

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

describe.each(backends())('request integrity on /v1/chat/completions (%s)', (backend) => {
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
});
