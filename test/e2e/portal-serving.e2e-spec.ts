import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * Issue 17, "One origin": the gateway serves the portal's production build at `/`. The build here
 * is a fixture shaped like Angular's (hashed names from esbuild, fonts under media/), made by the
 * test in a temporary directory and passed as PORTAL_DIR.
 */
const INDEX_HTML =
  '<!doctype html><html><head><base href="/"><link rel="stylesheet" href="styles-ABCDEFGH.css"></head>' +
  '<body><gw-root></gw-root><script src="main-ABCDEFGH.js" type="module"></script></body></html>';

async function makePortal(): Promise<string> {
  const parent = await mkdtemp(path.join(tmpdir(), 'switchyard-portal-'));
  // Beside the build, never inside it: what a path escaping the directory would reach.
  await writeFile(path.join(parent, 'secret.txt'), 'outside the build');
  const dir = path.join(parent, 'browser');
  await mkdir(dir);
  await mkdir(path.join(dir, 'media'));
  for (const prefix of ['health', 'api/v1', 'v1', 'billing'])
    await mkdir(path.join(dir, prefix), { recursive: true });
  await writeFile(path.join(dir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(dir, 'main-ABCDEFGH.js'), 'console.log("portal");\n');
  await writeFile(path.join(dir, 'styles-ABCDEFGH.css'), 'body{margin:0}\n');
  await writeFile(path.join(dir, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
  await writeFile(path.join(dir, 'media', 'font.woff2'), Buffer.from('wOF2fixture'));
  // Never served: dotfiles, and anything under the APIs' prefixes.
  await writeFile(path.join(dir, '.build-stamp'), 'not public');
  for (const prefix of ['health', 'api/v1', 'v1', 'billing'])
    await writeFile(path.join(dir, prefix, 'fixture.txt'), 'under an API prefix');
  return dir;
}

const directive = (csp: string, name: string): string | undefined =>
  csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.split(/\s+/, 1)[0] === name);

const expectPortalSecurityHeaders = (headers: Record<string, string>): void => {
  const csp = headers['content-security-policy'] ?? '';
  expect(directive(csp, 'default-src')).toBe("default-src 'self'");
  expect(directive(csp, 'script-src')).toBe("script-src 'self'");
  expect(directive(csp, 'connect-src')).toBe("connect-src 'self'");
  expect(directive(csp, 'object-src')).toBe("object-src 'none'");
  expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
  expect(directive(csp, 'base-uri')).toBe("base-uri 'self'");
  expect(directive(csp, 'form-action')).toBe("form-action 'self'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
};

describeBackends('the web portal at /', (backend) => {
  let gw: TestGateway;
  let portalDir: string;
  beforeAll(async () => {
    portalDir = await makePortal();
    gw = await startTestGateway(backend, { PORTAL_DIR: portalDir });
  });
  afterAll(async () => {
    await gw?.close();
    await rm(path.dirname(portalDir), { recursive: true, force: true });
  });

  const get = (p: string, accept = 'text/html,application/xhtml+xml,*/*;q=0.8') =>
    request(gw.baseUrl).get(p).set('accept', accept);

  it('GET / is index.html, never cached, under the strict CSP', async () => {
    const res = await get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toBe(INDEX_HTML);
    expect(res.headers['cache-control']).toBe('no-cache');
    expectPortalSecurityHeaders(res.headers);
    expect(directive(res.headers['content-security-policy']!, 'script-src')).not.toContain('unsafe-inline');
  });

  it('index.html revalidates: a second request with its ETag is a 304', async () => {
    const first = await get('/').expect(200);
    expect(first.headers.etag).toBeTruthy();
    const again = await get('/').set('if-none-match', first.headers.etag!).expect(304);
    expect(again.headers['cache-control']).toBe('no-cache');
  });

  it('hashed assets are cached for a year and immutable; other files briefly', async () => {
    const js = await get('/main-ABCDEFGH.js', '*/*').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.text).toContain('portal');
    expectPortalSecurityHeaders(js.headers);
    const css = await get('/styles-ABCDEFGH.css', 'text/css,*/*;q=0.1').expect(200);
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const font = await get('/media/font.woff2', '*/*').expect(200);
    expect(font.headers['cache-control']).toBe('public, max-age=3600');
    expect(font.headers['content-type']).toBe('font/woff2');
    const favicon = await get('/favicon.ico', 'image/*').expect(200);
    expect(favicon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it.each([
    '/login',
    '/app',
    '/app/usage',
    '/app/requests/0b7c6f3e-1d2a-4c5b-9e8f-123456789abc',
    '/admin',
    '/admin/x',
  ])('the portal route %s is index.html (SPA fallback)', async (route) => {
    const res = await get(route).expect(200);
    expect(res.text).toBe(INDEX_HTML);
    expect(res.headers['cache-control']).toBe('no-cache');
    expectPortalSecurityHeaders(res.headers);
  });

  it('a route parameter with a dot is still a page (/admin/catalog/gpt-4.1)', async () => {
    const res = await get('/admin/catalog/gpt-4.1').expect(200);
    expect(res.text).toBe(INDEX_HTML);
  });

  it('HEAD of a portal route answers like GET, without a body', async () => {
    const res = await request(gw.baseUrl).head('/app/usage').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text ?? '').toBe('');
  });

  it.each([
    '/nope.js',
    '/app/chunk-MISSING1.js',
    '/admin/styles.css',
    '/assets/logo.png',
    '/nope',
    '/app.js',
  ])('a missing file is a 404, not index.html: %s', async (p) => {
    const res = await get(p, '*/*').expect(404);
    expect(res.text).not.toContain('<gw-root>');
  });

  it('a portal route asked for as JSON is a 404, not index.html', async () => {
    const res = await get('/app/usage', 'application/json').expect(404);
    expect(res.text).not.toContain('<gw-root>');
  });

  it('the API surfaces keep their own 404s', async () => {
    const api = await get('/api/v1/nope', '*/*').expect(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(api.body).toMatchObject({ status: 404, code: 'not_found' });
    expect(api.headers['content-security-policy']).toBeUndefined();
    const v1 = await get('/v1/nope', '*/*').expect(404);
    expect(v1.body).toMatchObject({ error: { code: 'not_found' } });
    const chatGet = await get('/v1/chat/completions', '*/*').expect(404);
    expect(chatGet.text).not.toContain('<gw-root>');
    await get('/billing/nope', 'text/html').expect(404);
  });

  it('files in the build under an API prefix, and dotfiles, are never served', async () => {
    for (const prefix of ['health', 'api/v1', 'v1', 'billing']) {
      const res = await get(`/${prefix}/fixture.txt`, '*/*').expect(404);
      expect(res.text).not.toContain('under an API prefix');
    }
    const stamp = await get('/.build-stamp', '*/*').expect(404);
    expect(stamp.text).not.toContain('not public');
  });

  it.each([
    '/..%2fsecret.txt',
    '/media/..%2f..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/media/%2e%2e/%2e%2e/secret.txt',
    '/media/..%5c..%5csecret.txt',
  ])('a path escaping the build directory is refused: %s', async (p) => {
    const res = await get(p, '*/*');
    expect([403, 404]).toContain(res.status);
    expect(res.text).not.toContain('outside the build');
  });

  it.each([
    ['/%E0%A4%A', '/%E0%A4%A'],
    ['/app/%zz', '/app/%zz'],
    ['/media/', '/media/'],
    ['/media', '/media'],
    ['/%00', '/%00'],
    ['/main-ABCDEFGH.js%00.html', '/main-ABCDEFGH.js%00.html'],
    ['//main-ABCDEFGH.js', '//main-ABCDEFGH.js'],
    ['/./main-ABCDEFGH.js', '/./main-ABCDEFGH.js'],
    ['a 300-character file name', `/${'a'.repeat(300)}.js`],
  ])('malformed or odd paths are a 4xx, never a 5xx or a file: %s', async (_label, p) => {
    const res = await get(p, '*/*');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toContain('console.log');
  });

  it('a new build is served without a restart (index.html is read from disk)', async () => {
    const rebuilt = INDEX_HTML.replace('main-ABCDEFGH.js', 'main-IJKLMNOP.js');
    await writeFile(path.join(portalDir, 'index.html'), rebuilt);
    try {
      expect((await get('/app/usage').expect(200)).text).toBe(rebuilt);
    } finally {
      await writeFile(path.join(portalDir, 'index.html'), INDEX_HTML);
    }
  });

  it('sends no CORS header anywhere, preflight included', async () => {
    const origin = 'https://evil.example';
    const preflight = await request(gw.baseUrl)
      .options('/v1/chat/completions')
      .set('origin', origin)
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'authorization,content-type');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const api = await request(gw.baseUrl)
      .get('/api/v1/me/credits')
      .set('origin', origin)
      .set('authorization', `Bearer ${gw.userKey}`)
      .expect(200);
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
    const page = await get('/').set('origin', origin).expect(200);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    const chat = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('origin', origin)
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })
      .expect(200);
    expect(chat.headers['access-control-allow-origin']).toBeUndefined();
    // The chat path carries none of the portal's headers: nothing of the portal runs on it.
    expect(chat.headers['content-security-policy']).toBeUndefined();
  });

  it('the API reference and the demo checkout keep their own pages', async () => {
    const docs = await get('/api/docs').expect(200);
    expect(docs.text).toContain('swagger');
    expect(docs.headers['content-security-policy'] ?? '').not.toBe(
      (await get('/').expect(200)).headers['content-security-policy'],
    );
    if (backend === 'pglite') {
      // Embedded mode's demo payment page: an unknown purchase is its 404 page under its own CSP.
      const demo = await get('/billing/demo-checkout?user=u&purchase=p');
      expect(demo.headers['content-type']).toMatch(/^text\/html/);
      expect(demo.text).toContain('Demo payment');
      expect(demo.headers['content-security-policy']).toBe(
        "default-src 'none'; script-src 'unsafe-inline'; connect-src 'self'",
      );
    }
  });
});

describe('the web portal when it is not built (embedded)', () => {
  let gw: TestGateway;
  let emptyDir: string;
  beforeAll(async () => {
    emptyDir = await mkdtemp(path.join(tmpdir(), 'switchyard-portal-empty-'));
    gw = await startTestGateway('pglite', { PORTAL_DIR: path.join(emptyDir, 'never-built') });
  });
  afterAll(async () => {
    await gw?.close();
    await rm(emptyDir, { recursive: true, force: true });
  });

  it('a browser gets a 503 page saying how to build it', async () => {
    const res = await request(gw.baseUrl).get('/').set('accept', 'text/html').expect(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('npm start');
    expect(res.text).not.toContain('<script');
    expect(res.headers['cache-control']).toBe('no-cache');
    expectPortalSecurityHeaders(res.headers);
  });

  it('anything else gets the 503 as problem+json', async () => {
    const res = await request(gw.baseUrl).get('/app/usage').set('accept', '*/*').expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 503, code: 'PORTAL.NOT_BUILT' });
    expect(res.body.detail).toContain('npm start');
  });

  it('the gateway started, said so once, and its API works', async () => {
    expect(gw.logs()).toContain('the web portal is not built');
    await request(gw.baseUrl).get('/health/ready').expect(200);
    await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${gw.userKey}`)
      .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })
      .expect(200);
    await request(gw.baseUrl).get('/main-ABCDEFGH.js').expect(404);
  });
});
