import request from 'supertest';
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
  });

  it('has no dangling references', () => {
    const missing = refs(doc).filter(
      ({ ref }) => !ref.startsWith('#/components/schemas/') || !(ref.slice(21) in doc.components.schemas),
    );
    expect(missing).toEqual([]);
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
