import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { openApiDocumentWithoutRuntime } from '../../apps/gateway/src/openapi-document';
import { startTestGateway, type TestGateway } from './support/test-gateway';

type Json = Record<string, unknown>;

/** Every `$ref` in the document, with where it was found. */
function refs(node: unknown, at = '#'): Array<{ ref: string; at: string }> {
  if (Array.isArray(node)) return node.flatMap((n, i) => refs(n, `${at}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node as Json).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' ? [{ ref: v, at }] : refs(v, `${at}/${k}`),
  );
}

describe('OpenAPI document (/api/docs)', () => {
  let gw: TestGateway;
  let doc: Json & {
    paths: Record<string, Record<string, Json>>;
    components: { schemas: Record<string, Json> };
  };
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
    doc = (await request(gw.baseUrl).get('/api/docs/openapi.json').expect(200)).body;
  });
  afterAll(() => gw?.close());

  it('describes every API route with its method', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /v1/chat/completions',
        'GET /v1/models',
        'GET /api/v1/me/usage',
        'GET /api/v1/requests/{id}',
        'GET /api/v1/admin/routing/policy',
        'PUT /api/v1/admin/routing/policy',
        'GET /api/v1/admin/providers',
        'POST /api/v1/admin/providers',
        'PUT /api/v1/admin/providers/{slug}',
        'DELETE /api/v1/admin/providers/{slug}',
        'POST /api/v1/admin/providers/{slug}/test',
        'GET /api/v1/admin/providers/{slug}/health',
        'POST /api/v1/admin/models',
        'PUT /api/v1/admin/models/{provider}/{model}',
        'DELETE /api/v1/admin/models/{provider}/{model}',
      ]),
    );
  });

  it('request bodies come from the same rules that validate them', () => {
    const chat = doc.paths['/v1/chat/completions']!.post as Json;
    expect(JSON.stringify(chat.requestBody)).toContain('#/components/schemas/ChatCompletionDto');
    const schema = doc.components.schemas.ChatCompletionDto as { required: string[]; properties: Json };
    expect(schema.required).toEqual(expect.arrayContaining(['model', 'messages']));
    expect(schema.properties.temperature).toMatchObject({ minimum: 0, maximum: 2 });
    expect(schema.properties.stop).toMatchObject({ oneOf: expect.any(Array) });
    const provider = doc.components.schemas.RegisterProviderDto as { required: string[]; properties: Json };
    expect(provider.required).toEqual(expect.arrayContaining(['slug', 'name', 'kind', 'baseUrl']));
    expect(provider.properties.kind).toMatchObject({
      enum: ['openai-compatible', 'anthropic', 'gemini', 'cohere'],
    });
    // PUT /api/v1/admin/providers/:slug removes the platform key with `apiKey: null`
    const change = doc.components.schemas.ChangeProviderDto as { properties: Json };
    expect(change.properties.apiKey).toMatchObject({ type: 'string', nullable: true });
  });

  it('has no dangling references', () => {
    const missing = refs(doc).filter(
      ({ ref }) => !ref.startsWith('#/components/schemas/') || !(ref.slice(21) in doc.components.schemas),
    );
    expect(missing).toEqual([]);
  });

  const operations = (): Array<{
    route: string;
    path: string;
    op: Json & { responses: Record<string, Json> };
  }> =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        route: `${method.toUpperCase()} ${path}`,
        path,
        op: op as Json & { responses: Record<string, Json> },
      })),
    );

  /** The JSON schema of an operation's answer with this status, or undefined. */
  const answerSchema = (route: string, status: string): Json | undefined => {
    const found = operations().find((o) => o.route === route);
    const content = found?.op.responses[status]?.content as Record<string, { schema?: Json }> | undefined;
    return content?.['application/json']?.schema;
  };

  it('every GET of the portal (me, requests, auth config, catalog) has a 200 JSON schema that resolves', () => {
    const portalGets = operations().filter(
      ({ route }) =>
        /^GET \/api\/v1\/(me|requests|catalog)(\/|$)/.test(route) || route === 'GET /api/v1/auth/config',
    );
    expect(portalGets.length).toBeGreaterThan(20);
    const without = portalGets
      .filter(({ route }) => {
        const schema = answerSchema(route, '200');
        const ref = (schema?.$ref ?? (schema?.items as Json | undefined)?.$ref) as string | undefined;
        return !ref || !(ref.replace('#/components/schemas/', '') in doc.components.schemas);
      })
      .map(({ route }) => route);
    expect(without).toEqual([]);
  });

  it('every other API operation says what it answers: a JSON schema, or 204 with no body', () => {
    // The chat completion is OpenAI's documented shape (JSON or a server-sent event stream); the
    // payment webhook answers the payment provider, not an API client.
    const exempt = new Set(['POST /v1/chat/completions', 'POST /api/v1/billing/webhooks/payment']);
    const undescribed = operations()
      .filter(({ path }) => path.startsWith('/api/v1/') || path.startsWith('/v1/'))
      .filter(({ route }) => !exempt.has(route))
      .filter(({ op }) =>
        Object.entries(op.responses).every(
          ([status, answer]) => !(status === '204' || (status.startsWith('2') && answer.content)),
        ),
      )
      .map(({ route }) => route);
    expect(undescribed).toEqual([]);
  });

  it('is the document the API client is generated from (built without a runtime)', async () => {
    expect(JSON.parse(JSON.stringify(await openApiDocumentWithoutRuntime()))).toEqual(doc);
  });

  describe('real answers match their schemas', () => {
    let ajv: Ajv;
    const validator = (route: string, status = '200'): ValidateFunction => {
      const schema = answerSchema(route, status);
      expect(schema).toBeDefined();
      return ajv.compile({ ...schema, components: doc.components });
    };
    const matches = (route: string, body: unknown, status = '200'): void => {
      const validate = validator(route, status);
      expect({ route, valid: validate(body), errors: validate.errors ?? null }).toEqual({
        route,
        valid: true,
        errors: null,
      });
    };
    const get = (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${gw.userKey}`);

    beforeAll(() => {
      // OpenAPI 3.0 schemas: `nullable` is Ajv's own keyword; `example` and friends are annotations.
      ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
    });

    it('a schema that lies fails', () => {
      const validate = validator('GET /api/v1/me');
      expect(validate({ id: 'u', name: 'n', roles: ['user'], tier: 'free' })).toBe(false);
      expect(
        validate({
          id: 'u',
          name: 'n',
          roles: ['user'],
          tier: 'free',
          powerLevel: 'eco',
          allowedPowerLevels: ['eco'],
          byok: { allowed: false, keysPerProvider: 0 },
          secret: 'not in the type',
        }),
      ).toBe(false);
    });

    it('profile, settings, gateway keys, auth config, models, credits', async () => {
      for (const path of [
        '/api/v1/me',
        '/api/v1/me/settings',
        '/api/v1/me/api-keys',
        '/api/v1/me/credits',
        '/api/v1/me/credits/ledger',
        '/api/v1/me/keys',
        '/api/v1/me/keys/providers',
        '/api/v1/catalog/models',
      ]) {
        const answer = await get(path).expect(200);
        matches(`GET ${path}`, answer.body);
      }
      matches(
        'GET /api/v1/auth/config',
        (await request(gw.baseUrl).get('/api/v1/auth/config').expect(200)).body,
      );
      matches('GET /v1/models', (await get('/v1/models').expect(200)).body);
    });

    it('a chat: its routing explanation, the usage summary, the requests page', async () => {
      const chat = await request(gw.baseUrl)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${gw.userKey}`)
        .send({ model: 'eco', messages: [{ role: 'user', content: 'describe me' }] })
        .expect(200);
      const id = chat.headers['x-switchyard-request-id'] as string;
      await gw.waitForProjections();
      const explanation = await get(`/api/v1/requests/${id}`).expect(200);
      expect(explanation.body).toMatchObject({ requestId: id, outcome: 'completed' });
      expect(explanation.body.usage).not.toBeNull();
      matches('GET /api/v1/requests/{id}', explanation.body);
      const summary = await get('/api/v1/me/usage/summary').expect(200);
      expect(summary.body.requests).toBeGreaterThanOrEqual(1);
      matches('GET /api/v1/me/usage/summary', summary.body);
      const page = await get('/api/v1/me/usage/requests').expect(200);
      expect(page.body.data.length).toBeGreaterThanOrEqual(1);
      matches('GET /api/v1/me/usage/requests', page.body);
      matches('GET /api/v1/me/usage', (await get('/api/v1/me/usage').expect(200)).body);
    });
  });

  it('says how to authenticate, and serves the UI from local assets', async () => {
    expect(JSON.stringify(doc.components)).toContain('"scheme":"bearer"');
    expect((doc.paths['/api/v1/admin/providers']!.get as Json).security).toEqual([{ bearer: [] }]);
    const ui = await request(gw.baseUrl).get('/api/docs').expect(200);
    expect(ui.headers['content-type']).toContain('text/html');
    await request(gw.baseUrl).get('/api/docs/swagger-ui-bundle.js').expect(200);
  });

  it('Swagger UI does not keep the key it is given in localStorage (persistAuthorization off)', async () => {
    const init = await request(gw.baseUrl).get('/api/docs/swagger-ui-init.js').expect(200);
    // the options the served UI starts with, as swagger-ui-init.js carries them
    const options = /let options = (\{[\s\S]*?\});\s*\n\s*url = options/.exec(init.text);
    expect(options).not.toBeNull();
    const parsed = JSON.parse(options![1]!) as { swaggerOptions?: Json; customOptions?: Json };
    const settings = { ...parsed.swaggerOptions, ...parsed.customOptions };
    expect(settings.persistAuthorization).not.toBe(true);
    expect(init.text).not.toMatch(/"persistAuthorization":\s*true/);
  });
});
