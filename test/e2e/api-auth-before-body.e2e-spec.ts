import http from 'node:http';
import request from 'supertest';
import { PUBLIC_API_ROUTES } from '../../apps/gateway/src/auth/gateway-key-before-body';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const MiB = 1024 * 1024;

/**
 * The portal API (`/api/…`) authenticates as `/v1` does: the gateway key or access token is checked
 * when the request arrives, before any of its body is read, on every route but an explicit public
 * list; and its bodies are bounded by their own limit (1 MiB by default), while `/v1` keeps
 * MAX_REQUEST_BYTES.
 */
describe('/api: authenticated before the body, 1 MiB bodies', () => {
  let gw: TestGateway;
  let operations: Array<{ method: string; path: string; route: string }>;
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
    const doc = (await request(gw.baseUrl).get('/api/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => ({
          method: m.toUpperCase(),
          // a concrete path for the request, and the route pattern as Fastify names it
          path: path.replace(/\{[^}]+\}/g, 'x'),
          route: path.replace(/\{([^}]+)\}/g, ':$1'),
        })),
      );
  });
  afterAll(() => gw?.close());

  /**
   * Sends the headers of a `contentLength`-byte JSON body and its first 64 KiB, then waits for the
   * answer, counting what was sent: an answer that arrives while the body is still missing was given
   * without reading it (had the gateway waited for the body, no answer would come at all).
   */
  const answerBeforeBody = (
    method: string,
    path: string,
    authorization: string | undefined,
    contentLength: number,
  ): Promise<{ status: number; type: string; body: Record<string, unknown>; sent: number }> =>
    new Promise((resolve, reject) => {
      const req = http.request(new URL(path, gw.baseUrl), {
        method,
        headers: {
          'content-type': 'application/json',
          'content-length': String(contentLength),
          ...(authorization && { authorization }),
        },
      });
      let sent = 0;
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          req.destroy();
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type']),
            body: JSON.parse(text) as Record<string, unknown>,
            sent,
          });
        });
      });
      req.on('error', reject);
      const first = `{"name":"${'x'.repeat(64 * 1024)}`;
      sent = Buffer.byteLength(first);
      req.write(first);
    });

  it('an unauthenticated 10 MiB POST to an /api route: 401 problem+json before the body is read', async () => {
    const answer = await answerBeforeBody('POST', '/api/v1/admin/providers', undefined, 10 * MiB);
    expect(answer.status).toBe(401);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status: 401, code: 'missing_api_key' });
    expect(answer.sent).toBeLessThan(10 * MiB);
  });

  it('a wrong key on a route with a parameter: 401 before the body, whatever its size', async () => {
    const answer = await answerBeforeBody(
      'PUT',
      '/api/v1/admin/users/someone',
      'Bearer sk-sy-not-a-key-of-this-gateway',
      100 * MiB,
    );
    expect(answer.status).toBe(401);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('a wrong key with malformed JSON on /api is a 401, not a 400: the parser never ran', async () => {
    const res = await request(gw.baseUrl)
      .put('/api/v1/me/settings')
      .set('authorization', 'Bearer sk-sy-wrong')
      .set('content-type', 'application/json')
      .send('{{{{');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('invalid_api_key');
  });

  it('every /api route of the OpenAPI document refuses an unauthenticated request, except the public list', async () => {
    expect(operations.length).toBeGreaterThan(40);
    const documented = new Set(operations.map((o) => `${o.method} ${o.route}`));
    // the public list names routes that exist: a renamed route cannot leave a stale entry behind
    for (const route of PUBLIC_API_ROUTES) expect(documented).toContain(route);
    for (const { method, path, route } of operations) {
      const res = await request(gw.baseUrl)
        [method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path)
        .set('content-type', 'application/json')
        .send(method === 'GET' || method === 'DELETE' ? undefined : '{"name":"x"}');
      const missingKey = res.status === 401 && res.body.code === 'missing_api_key';
      expect({ route: `${method} ${route}`, missingKey }).toEqual({
        route: `${method} ${route}`,
        missingKey: !PUBLIC_API_ROUTES.has(`${method} ${route}`),
      });
      if (missingKey) expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('the public routes answer without a key: sign-in, the payment webhook, the OpenAPI document and Swagger UI', async () => {
    const config = await request(gw.baseUrl).get('/api/v1/auth/config').expect(200);
    expect(config.body.mode).toBe('local');
    // sign-in is reached (a wrong password is its own 401, not a missing key)
    const login = await request(gw.baseUrl)
      .post('/api/v1/auth/login')
      .send({ username: 'demo', password: 'not-the-password' });
    expect(login.status).toBe(401);
    expect(login.body.code).not.toBe('missing_api_key');
    await request(gw.baseUrl).get('/api/docs').expect(200);
    await request(gw.baseUrl).get('/api/docs/openapi.yaml').expect(200);
    const webhook = await request(gw.baseUrl)
      .post('/api/v1/billing/webhooks/payment')
      .send({ id: 'evt_1', type: 'payment.succeeded' });
    expect(webhook.status).toBe(400); // reached the webhook: its signature is checked there
    expect(webhook.body.code).toBe('BILLING.WEBHOOK_SIGNATURE_MISSING');
  });

  it('an /api body over 1 MiB is a 413 problem+json; one just under it is read', async () => {
    /** A JSON body of exactly `bytes` bytes. */
    const body = (bytes: number) => {
      const empty = JSON.stringify({ slug: 'too-big', name: '' });
      const text = JSON.stringify({ slug: 'too-big', name: 'x'.repeat(bytes - empty.length) });
      expect(Buffer.byteLength(text)).toBe(bytes);
      return text;
    };
    const over = await request(gw.baseUrl)
      .post('/api/v1/admin/providers')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .set('content-type', 'application/json')
      .send(body(MiB + 1));
    expect(over.status).toBe(413);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(over.body).toMatchObject({ status: 413, code: 'request_too_large' });
    const under = await request(gw.baseUrl)
      .post('/api/v1/admin/providers')
      .set('authorization', `Bearer ${gw.adminKey}`)
      .set('content-type', 'application/json')
      .send(body(MiB - 100));
    expect(under.status).toBe(400); // read and validated (the DTO refuses the name)
    expect(under.body.code).toBe('REQUEST.INVALID_PARAMETER');
  });

  it('/v1 keeps its own limit (MAX_REQUEST_BYTES, 16 MiB): a 2 MiB chat request is served', async () => {
    const content = 'rail yard '.repeat((2 * MiB) / 10);
    const res = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'auto', messages: [{ role: 'user', content }] });
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });
});
