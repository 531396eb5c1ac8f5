import { createHash, randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { subjectUserId } from '@gw/accounts';
import { eventually } from '@gw/shared-kernel/testing';
import { startLocalOidcIssuer, type LocalOidcIssuer } from './support/local-oidc-issuer';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const COOKIE = 'switchyard_refresh';

/** The refresh cookie a response set: `name=value` for the next request, and the whole header. */
function refreshCookie(res: request.Response): { header: string; value: string; raw: string } | undefined {
  const raw = ([] as string[])
    .concat((res.headers['set-cookie'] as unknown as string[] | undefined) ?? [])
    .find((c) => c.startsWith(`${COOKIE}=`));
  if (!raw) return undefined;
  const header = raw.split(';')[0]!;
  return { header, value: decodeURIComponent(header.slice(COOKIE.length + 1)), raw };
}

const newVerifier = (): string => randomBytes(48).toString('base64url');
const challengeOf = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

interface Authorized {
  readonly code: string;
  readonly verifier: string;
  readonly redirectUri: string;
}

/**
 * What the portal does in the browser: GET /api/v1/auth/config, then the issuer's authorization page
 * with PKCE S256, "Continue", and the redirect back to `<redirectUri>?code&state`.
 */
async function authorize(gw: TestGateway, redirectUri = `${gw.baseUrl}/login`): Promise<Authorized> {
  const config = await request(gw.baseUrl).get('/api/v1/auth/config').expect(200);
  const verifier = newVerifier();
  const state = randomUUID();
  const url = new URL(config.body.authorizationEndpoint as string);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.body.clientId as string,
    redirect_uri: redirectUri,
    scope: (config.body.scopes as string[]).join(' '),
    state,
    code_challenge: challengeOf(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const page = await request(url.origin).get(`${url.pathname}${url.search}`).expect(200);
  expect(page.text).toContain('Continue');
  const requestId = /name="request_id" value="([^"]+)"/.exec(page.text)?.[1];
  if (!requestId) throw new Error('no request_id on the authorization page');
  const back = await request(url.origin)
    .post(url.pathname)
    .type('form')
    .send({ request_id: requestId })
    .expect(302);
  const location = new URL(back.headers.location as string);
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  expect(location.searchParams.get('state')).toBe(state);
  return { code: location.searchParams.get('code')!, verifier, redirectUri };
}

describe('OIDC sign-in for the portal: authorization code + PKCE (embedded)', () => {
  let issuer: LocalOidcIssuer;
  let gw: TestGateway;
  /** Every body the gateway answered in this suite, to look for refresh tokens in. */
  const bodies: string[] = [];
  const secrets: string[] = [];

  const exchange = (body: unknown, headers: Record<string, string> = {}) =>
    request(gw.baseUrl)
      .post('/api/v1/auth/oidc/token')
      .set(headers)
      .send(body as object)
      .then((res) => {
        bodies.push(res.text);
        if (typeof res.body.accessToken === 'string') secrets.push(res.body.accessToken as string);
        const cookie = refreshCookie(res);
        if (cookie?.value) secrets.push(cookie.value);
        return res;
      });
  const refresh = (cookie?: string) => {
    const req = request(gw.baseUrl).post('/api/v1/auth/refresh');
    return (cookie ? req.set('cookie', cookie) : req).then((res) => {
      bodies.push(res.text);
      if (typeof res.body.accessToken === 'string') secrets.push(res.body.accessToken as string);
      const c = refreshCookie(res);
      if (c?.value) secrets.push(c.value);
      return res;
    });
  };
  const signIn = async () => {
    const { code, verifier, redirectUri } = await authorize(gw);
    secrets.push(code, verifier);
    const res = await exchange({ code, codeVerifier: verifier, redirectUri });
    expect(res.status).toBe(200);
    return { res, cookie: refreshCookie(res)! };
  };

  beforeAll(async () => {
    issuer = await startLocalOidcIssuer('switchyard-api', {
      redirectUris: /^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/login$/,
    });
    gw = await startTestGateway('pglite', {
      OIDC_ISSUER_URL: issuer.issuer,
      OIDC_AUDIENCE: issuer.audience,
      OIDC_CLIENT_ID: issuer.clientId,
      OIDC_REDIRECT_URIS: 'http://localhost:4200/login',
      // X-Forwarded-Proto from the test client counts, as from a TLS-terminating proxy
      TRUSTED_PROXIES: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await gw?.close();
    await issuer?.close();
  });

  it('GET /api/v1/auth/config names the issuer’s authorization and end-session endpoints', async () => {
    const res = await request(gw.baseUrl).get('/api/v1/auth/config').expect(200);
    expect(res.body).toEqual({
      mode: 'oidc',
      issuer: issuer.issuer,
      clientId: issuer.clientId,
      audience: 'switchyard-api',
      scopes: ['openid', 'profile', 'email'],
      authorizationEndpoint: issuer.authorizationEndpoint,
      endSessionEndpoint: issuer.endSessionEndpoint,
    });
  });

  it('the code and verifier sign in: the token works on /api/v1/me, the refresh token is only in the cookie', async () => {
    const sub = `pkce-${randomUUID()}`;
    issuer.signInAs({ sub, roles: ['user'], name: 'Pat Kce', email: 'pat@example.com' });
    const { res, cookie } = await signIn();
    expect(res.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 300 });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(cookie.raw).toMatch(/HttpOnly/i);
    expect(cookie.raw).toMatch(/SameSite=Strict/i);
    expect(cookie.raw).toMatch(/Path=\/api\/v1\/auth/);
    expect(cookie.raw).toMatch(/Max-Age=1800/);
    expect(cookie.raw).not.toMatch(/Secure/i);
    expect(issuer.refreshTokenActive(cookie.value)).toBe(true);
    expect(res.text).not.toContain(cookie.value);

    const userId = subjectUserId(issuer.issuer, sub);
    const me = await eventually(
      async () => {
        const r = await request(gw.baseUrl)
          .get('/api/v1/me')
          .set('authorization', `Bearer ${res.body.accessToken}`);
        return r.status === 200 ? r : undefined;
      },
      10_000,
      'GET /api/v1/me with the new token',
    );
    expect(me.body).toMatchObject({ id: userId, name: 'Pat Kce', roles: ['user'] });
    // just signed in (auth_time): a gateway key can be made without a password
    const key = await request(gw.baseUrl)
      .post('/api/v1/me/api-keys')
      .set('authorization', `Bearer ${res.body.accessToken}`)
      .send({ name: 'after OIDC sign-in' });
    expect(key.status).toBe(201);
    secrets.push(key.body.apiKey as string);
  });

  it('refresh rotates the issuer’s refresh token in the cookie; logout ends it at the issuer', async () => {
    const { res: first, cookie } = await signIn();
    const refreshed = await refresh(cookie.header);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 300 });
    expect(refreshed.body.accessToken).not.toBe(first.body.accessToken);
    const next = refreshCookie(refreshed)!;
    expect(next.value).not.toBe(cookie.value);
    expect(issuer.refreshTokenActive(cookie.value)).toBe(false);
    expect(issuer.refreshTokenActive(next.value)).toBe(true);
    await request(gw.baseUrl)
      .get('/api/v1/me/usage')
      .set('authorization', `Bearer ${refreshed.body.accessToken}`)
      .expect(200);

    const out = await request(gw.baseUrl).post('/api/v1/auth/logout').set('cookie', next.header);
    expect(out.status).toBe(204);
    expect(refreshCookie(out)?.raw).toMatch(/Max-Age=0/);
    expect(issuer.refreshTokenActive(next.value)).toBe(false);
    const after = await refresh(next.header);
    expect(after.status).toBe(401);
    expect(after.headers['content-type']).toContain('application/problem+json');
    expect(after.body.code).toBe('AUTH.INVALID_REFRESH_TOKEN');
    expect(refreshCookie(after)?.raw).toMatch(/Max-Age=0/);
  });

  it('a refresh token used twice is refused, and so is the one it was rotated into', async () => {
    const { cookie } = await signIn();
    const once = await refresh(cookie.header);
    expect(once.status).toBe(200);
    const twice = await refresh(cookie.header);
    expect(twice.status).toBe(401);
    expect(twice.body.code).toBe('AUTH.INVALID_REFRESH_TOKEN');
    expect((await refresh(refreshCookie(once)!.header)).status).toBe(401);
  });

  it('refresh without a cookie, or with one the issuer never gave, is a 401 that clears the cookie', async () => {
    const none = await refresh();
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('AUTH.INVALID_REFRESH_TOKEN');
    const forged = await refresh(`${COOKIE}=not-a-refresh-token`);
    expect(forged.status).toBe(401);
    expect(refreshCookie(forged)?.raw).toMatch(/Max-Age=0/);
  });

  it('a wrong PKCE verifier is a 401 (the issuer refuses the code), with no cookie', async () => {
    const { code, redirectUri } = await authorize(gw);
    const res = await exchange({ code, codeVerifier: newVerifier(), redirectUri });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('AUTH.SIGN_IN_EXPIRED');
    expect(refreshCookie(res)).toBeUndefined();
  });

  it('a code is redeemed once: the second exchange is a 401', async () => {
    const { code, verifier, redirectUri } = await authorize(gw);
    expect((await exchange({ code, codeVerifier: verifier, redirectUri })).status).toBe(200);
    const again = await exchange({ code, codeVerifier: verifier, redirectUri });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('AUTH.SIGN_IN_EXPIRED');
  });

  it('a redirect URI on another origin is a 400, and the code never reaches the issuer', async () => {
    const { code, verifier } = await authorize(gw);
    const before = issuer.tokenRequests().authorization_code ?? 0;
    for (const redirectUri of [
      'https://evil.example/login',
      'http://127.0.0.1:1/login',
      `${gw.baseUrl.replace('127.0.0.1', 'localhost')}/login`,
      'javascript:alert(1)',
      '/login',
    ]) {
      const res = await exchange({ code, codeVerifier: verifier, redirectUri });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('AUTH.REDIRECT_URI_NOT_ALLOWED');
    }
    expect(issuer.tokenRequests().authorization_code ?? 0).toBe(before);
  });

  it('OIDC_REDIRECT_URIS lets another origin redeem (the portal’s dev server)', async () => {
    const { code, verifier, redirectUri } = await authorize(gw, 'http://localhost:4200/login');
    expect((await exchange({ code, codeVerifier: verifier, redirectUri })).status).toBe(200);
  });

  it('behind HTTPS the cookie is Secure and an http redirect URI is refused', async () => {
    const https = gw.baseUrl.replace('http:', 'https:');
    const { code, verifier, redirectUri } = await authorize(gw, `${https}/login`);
    const plain = await exchange(
      { code, codeVerifier: verifier, redirectUri: `${gw.baseUrl}/login` },
      { 'x-forwarded-proto': 'https' },
    );
    expect(plain.status).toBe(400);
    const res = await exchange(
      { code, codeVerifier: verifier, redirectUri },
      { 'x-forwarded-proto': 'https' },
    );
    expect(res.status).toBe(200);
    expect(refreshCookie(res)?.raw).toMatch(/Secure/i);
  });

  it.each<[string, unknown]>([
    ['no code', { codeVerifier: newVerifier(), redirectUri: 'http://127.0.0.1/login' }],
    ['a short verifier', { code: 'abc', codeVerifier: 'short', redirectUri: 'http://127.0.0.1/login' }],
    [
      'a verifier with other characters',
      { code: 'abc', codeVerifier: `${'a'.repeat(43)}+/`, redirectUri: 'x' },
    ],
    [
      'a number for the code',
      { code: 1, codeVerifier: newVerifier(), redirectUri: 'http://127.0.0.1/login' },
    ],
    [
      'an unknown field',
      { code: 'a', codeVerifier: newVerifier(), redirectUri: 'http://127.0.0.1/login', x: 1 },
    ],
    ['an array', [1, 2]],
  ])('a body with %s is a 400', async (_name, body) => {
    const res = await exchange(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('an admin at the issuer reaches the admin API with the exchanged token', async () => {
    issuer.signInAs({ sub: `pkce-admin-${randomUUID()}`, roles: ['admin', 'user'] });
    const { res } = await signIn();
    const admin = await eventually(
      async () => {
        const r = await request(gw.baseUrl)
          .get('/api/v1/admin/providers')
          .set('authorization', `Bearer ${res.body.accessToken}`);
        return r.status === 200 ? r : undefined;
      },
      10_000,
      'the admin API with the new token',
    );
    expect(Array.isArray(admin.body.data)).toBe(true);
  });

  describe('the issuer’s token endpoint failing', () => {
    afterEach(() => issuer.failTokenEndpoint(null));

    it('unreachable or failing: 503 with Retry-After; refresh keeps the cookie', async () => {
      const { cookie } = await signIn();
      for (const fault of ['drop-connection', { status: 500 }, { status: 503 }] as const) {
        issuer.failTokenEndpoint(fault);
        const { code, verifier, redirectUri } = await authorize(gw);
        const res = await exchange({ code, codeVerifier: verifier, redirectUri });
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.headers['retry-after']).toBeDefined();
        expect(res.body.code).toBe('identity_provider_unavailable');
        const r = await refresh(cookie.header);
        expect(r.status).toBe(503);
        expect(refreshCookie(r)).toBeUndefined();
      }
      issuer.failTokenEndpoint(null);
      expect((await refresh(cookie.header)).status).toBe(200);
    });

    it('refusing the gateway’s client: 502 naming the settings to check', async () => {
      issuer.failTokenEndpoint({ status: 401, body: { error: 'invalid_client' } });
      const { code, verifier, redirectUri } = await authorize(gw);
      const res = await exchange({ code, codeVerifier: verifier, redirectUri });
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('AUTH.IDENTITY_PROVIDER_ERROR');
      expect(res.body.detail).toContain('OIDC_CLIENT_ID');
    });

    it('answering without an access token: 502', async () => {
      issuer.failTokenEndpoint({ status: 200, body: { token_type: 'Bearer' } });
      const { code, verifier, redirectUri } = await authorize(gw);
      const res = await exchange({ code, codeVerifier: verifier, redirectUri });
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('AUTH.IDENTITY_PROVIDER_ERROR');
    });
  });

  it('no token, code or verifier in the log; no refresh token in any answer', () => {
    expect(secrets.length).toBeGreaterThan(20);
    const logs = gw.logs();
    for (const secret of secrets) expect(logs).not.toContain(secret);
    const refreshTokens = secrets.filter((s) => !s.includes('.') && s.length === 43);
    expect(refreshTokens.length).toBeGreaterThan(5);
    for (const body of bodies) for (const token of refreshTokens) expect(body).not.toContain(token);
  });
});

describe('OIDC sign-in with a confidential client (embedded)', () => {
  let issuer: LocalOidcIssuer;
  let gw: TestGateway;
  beforeAll(async () => {
    issuer = await startLocalOidcIssuer('switchyard-api', { clientSecret: 'portal-client-secret-1234' });
    gw = await startTestGateway(
      'pglite',
      {
        OIDC_ISSUER_URL: issuer.issuer,
        OIDC_AUDIENCE: issuer.audience,
        OIDC_CLIENT_SECRET: 'portal-client-secret-1234',
      },
      { testAccounts: false },
    );
  });
  afterAll(async () => {
    await gw?.close();
    await issuer?.close();
  });

  it('sends OIDC_CLIENT_SECRET with the code and the refresh token, and never logs it', async () => {
    const { code, verifier, redirectUri } = await authorize(gw);
    const res = await request(gw.baseUrl)
      .post('/api/v1/auth/oidc/token')
      .send({ code, codeVerifier: verifier, redirectUri });
    expect(res.status).toBe(200);
    const refreshed = await request(gw.baseUrl)
      .post('/api/v1/auth/refresh')
      .set('cookie', refreshCookie(res)!.header);
    expect(refreshed.status).toBe(200);
    expect(gw.logs()).not.toContain('portal-client-secret-1234');
  });
});

describe('OIDC sign-in: the issuer’s discovery document cannot be fetched (embedded)', () => {
  let issuer: LocalOidcIssuer;
  let gw: TestGateway;
  beforeAll(async () => {
    issuer = await startLocalOidcIssuer('switchyard-api');
    gw = await startTestGateway(
      'pglite',
      {
        OIDC_ISSUER_URL: issuer.issuer,
        OIDC_AUDIENCE: issuer.audience,
        OIDC_DISCOVERY_URL: 'http://127.0.0.1:1/realms/switchyard/.well-known/openid-configuration',
      },
      { testAccounts: false },
    );
  });
  afterAll(async () => {
    await gw?.close();
    await issuer?.close();
  });

  it('GET /api/v1/auth/config and the code exchange are 503 problems, never 500', async () => {
    const config = await request(gw.baseUrl).get('/api/v1/auth/config');
    expect(config.status).toBe(503);
    expect(config.headers['content-type']).toContain('application/problem+json');
    expect(config.body.code).toBe('identity_provider_unavailable');
    expect(config.body.detail).toMatch(/discovery document/);
    const res = await request(gw.baseUrl)
      .post('/api/v1/auth/oidc/token')
      .send({ code: 'abc', codeVerifier: newVerifier(), redirectUri: `${gw.baseUrl}/login` });
    expect(res.status).toBe(503);
    expect(gw.logs()).toContain('OIDC discovery failed');
  });
});

describe('local sign-in mode (embedded)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('pglite', {}, { testAccounts: false });
  });
  afterAll(() => gw?.close());

  it('POST /api/v1/auth/oidc/token is a 404 problem, whatever the body', async () => {
    for (const body of [
      { code: 'abc', codeVerifier: newVerifier(), redirectUri: `${gw.baseUrl}/login` },
      {},
    ]) {
      const res = await request(gw.baseUrl).post('/api/v1/auth/oidc/token').send(body);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('AUTH.OIDC_SIGN_IN_OFF');
    }
  });
});
