import request from 'supertest';
import { startTestGateway, type TestGateway } from './support/test-gateway';

type Operations = Record<string, Record<string, unknown>>;

/**
 * Every admin and audit operation the gateway documents, enumerated from its own OpenAPI document so a
 * route added later is covered without editing this test: without a token 401, with a user's key 403
 * (before the body or the path is looked at), and never a 5xx; the admin reads the parameterless ones.
 */
describe('admin and audit API: who may call it', () => {
  let gw: TestGateway;
  let operations: Array<{
    method: 'get' | 'post' | 'put' | 'patch' | 'delete';
    path: string;
    template: string;
    requiredQuery: boolean;
  }>;

  beforeAll(async () => {
    gw = await startTestGateway('pglite');
    const doc = (await request(gw.baseUrl).get('/api/docs/openapi.json').expect(200)).body as {
      paths: Operations;
    };
    operations = Object.entries(doc.paths)
      .filter(([template]) => /^\/api\/v1\/(admin|audit)\//.test(template))
      .flatMap(([template, methods]) =>
        Object.keys(methods)
          .filter((m): m is 'get' | 'post' | 'put' | 'patch' | 'delete' =>
            ['get', 'post', 'put', 'patch', 'delete'].includes(m),
          )
          .map((method) => ({
            method,
            template,
            path: template.replace(/\{[^}]+\}/g, 'no-such-thing'),
            requiredQuery: (
              (methods[method] as { parameters?: Array<{ in: string; required?: boolean }> }).parameters ?? []
            ).some((p) => p.in === 'query' && p.required === true),
          })),
      );
  });
  afterAll(() => gw?.close());

  it('the document lists the admin portal’s operations', () => {
    const listed = operations.map((o) => `${o.method.toUpperCase()} ${o.template}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        'GET /api/v1/admin/providers',
        'GET /api/v1/admin/routing/policy',
        'GET /api/v1/admin/users',
        'GET /api/v1/admin/tiers',
        'GET /api/v1/audit/streams',
      ]),
    );
    expect(listed.length).toBeGreaterThan(20);
  });

  it('answers 401 without a token and 403 to a user, for every operation, with problem+json', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const anonymous = await request(gw.baseUrl)[op.method](op.path).send({});
      if (anonymous.status !== 401) wrong.push(`${op.method} ${op.path} anonymous → ${anonymous.status}`);
      const user = await request(gw.baseUrl)
        [op.method](op.path)
        .set('Authorization', `Bearer ${gw.userKey}`)
        .send({});
      if (user.status !== 403) wrong.push(`${op.method} ${op.path} user → ${user.status}`);
      else if (!String(user.headers['content-type']).startsWith('application/problem+json'))
        wrong.push(`${op.method} ${op.path} user → ${String(user.headers['content-type'])}`);
    }
    expect(wrong).toEqual([]);
  });

  it('lets the admin read every admin and audit GET that needs no parameter', async () => {
    const wrong: string[] = [];
    for (const op of operations.filter(
      (o) => o.method === 'get' && !o.template.includes('{') && !o.requiredQuery,
    )) {
      const res = await request(gw.baseUrl).get(op.path).set('Authorization', `Bearer ${gw.adminKey}`);
      if (res.status !== 200) wrong.push(`GET ${op.path} admin → ${res.status} ${res.text.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });
});
