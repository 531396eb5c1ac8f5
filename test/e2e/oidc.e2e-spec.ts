import { rm } from 'node:fs/promises';
import OpenAI from 'openai';
import request from 'supertest';
import { subjectUserId } from '@gw/accounts';
import { describeBackends, describePostgres } from '@gw/database/testing';
import { eventually } from '@gw/shared-kernel/testing';
import { startLocalOidcIssuer, type LocalOidcIssuer } from './support/local-oidc-issuer';
import { startTestGateway, type TestGateway } from './support/test-gateway';

describeBackends('OIDC access tokens', (backend) => {
  let issuer: LocalOidcIssuer;
  let gw: TestGateway;
  beforeAll(async () => {
    issuer = await startLocalOidcIssuer('switchyard-api');
    gw = await startTestGateway(backend, {
      OIDC_ISSUER_URL: issuer.issuer,
      OIDC_AUDIENCE: issuer.audience,
      OIDC_CLIENT_ID: 'switchyard-portal',
    });
  });
  afterAll(async () => {
    await gw?.close();
    await issuer?.close();
  });

  const get = (path: string, token: string) =>
    request(gw.baseUrl).get(path).set('authorization', `Bearer ${token}`);

  it('GET /api/v1/auth/config tells the portal to use the issuer; local sign-in is off', async () => {
    const res = await request(gw.baseUrl).get('/api/v1/auth/config').expect(200);
    expect(res.body).toEqual({
      mode: 'oidc',
      issuer: issuer.issuer,
      clientId: 'switchyard-portal',
      audience: 'switchyard-api',
      scopes: ['openid', 'profile', 'email'],
      authorizationEndpoint: `${issuer.issuer}/protocol/openid-connect/auth`,
      endSessionEndpoint: `${issuer.issuer}/protocol/openid-connect/logout`,
    });
    const login = await request(gw.baseUrl)
      .post('/api/v1/auth/login')
      .send({ username: 'demo', password: gw.userPassword });
    expect(login.status).toBe(404);
    expect(login.body.code).toBe('AUTH.LOCAL_SIGN_IN_OFF');
  });

  it('a user token works on /v1 and /api/v1; admin endpoints answer 403', async () => {
    const token = await issuer.token({ roles: ['user'] });
    expect((await get('/v1/models', token)).status).toBe(200);
    expect((await get('/api/v1/me/usage', token)).status).toBe(200);
    const admin = await get('/api/v1/admin/providers', token);
    expect(admin.status).toBe(403);
    expect(admin.body.code).toBe('AUTH.ADMIN_ONLY');
  });

  it('an admin token reaches the admin API', async () => {
    const token = await issuer.token({ roles: ['admin'] });
    const res = await get('/api/v1/admin/providers', token);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.data)).toBe(true);
  });

  it('an auditor token reads audit streams and is no admin', async () => {
    const token = await issuer.token({ roles: ['auditor'] });
    expect((await get('/v1/models', token)).status).toBe(200);
    expect((await get('/api/v1/admin/providers', token)).status).toBe(403);
    expect((await get(`/api/v1/audit/streams?category=account`, token)).status).toBe(200);
    const user = await issuer.token({ roles: ['user'] });
    expect((await get(`/api/v1/audit/streams?category=account`, user)).status).toBe(403);
  });

  it('a token with none of the gateway roles is a plain user', async () => {
    const token = await issuer.token({ roles: ['offline_access', 'superuser'] });
    expect((await get('/v1/models', token)).status).toBe(200);
    expect((await get('/api/v1/admin/providers', token)).status).toBe(403);
  });

  it('chats with the official openai client, the token as its API key', async () => {
    const client = new OpenAI({
      apiKey: await issuer.token({ roles: ['user'] }),
      baseURL: `${gw.baseUrl}/v1`,
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(completion.choices[0]?.message.content).toBeTruthy();
  });

  it('opens an account on first sight, once, even for concurrent first requests', async () => {
    const sub = `new-subject-${Date.now()}`;
    const tokens = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        issuer.token({ sub, roles: ['user'], claims: { email: `s${i}@example.com`, name: 'New Person' } }),
      ),
    );
    const answers = await Promise.all(
      tokens.flatMap((t) => [get('/v1/models', t), get('/api/v1/me/usage', t)]),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    const userId = subjectUserId(issuer.issuer, sub);
    const events = await gw.gateway.runtime.eventStore.readStream(`account-${userId}`);
    expect(events.map((e) => e.type)).toEqual(['AccountOpened']);
    expect(events[0]!.data).toMatchObject({
      userId,
      displayName: 'New Person',
      roles: ['user'],
      tier: 'free',
    });
    await eventually(
      () => gw.gateway.runtime.directory.account(userId),
      10_000,
      'the account in the directory',
    );
  });

  it('a later token with other roles updates the account (RolesChanged)', async () => {
    const sub = `promoted-${Date.now()}`;
    const userId = subjectUserId(issuer.issuer, sub);
    expect((await get('/v1/models', await issuer.token({ sub, roles: ['user'] }))).status).toBe(200);
    await eventually(
      () => gw.gateway.runtime.directory.account(userId),
      10_000,
      'the account in the directory',
    );
    const admin = await issuer.token({ sub, roles: ['admin', 'user'] });
    expect((await get('/api/v1/admin/providers', admin)).status).toBe(200);
    const changed = await eventually(
      async () => {
        const events = await gw.gateway.runtime.eventStore.readStream(`account-${userId}`);
        return events.find((e) => e.type === 'RolesChanged');
      },
      10_000,
      'RolesChanged',
    );
    expect(changed.data).toMatchObject({ roles: ['admin', 'user'], previousRoles: ['user'] });
  });

  describe('refused tokens: 401 on both surfaces', () => {
    const attacks: Array<[string, () => Promise<string> | string]> = [
      ['alg: none', () => issuer.unsignedToken({ roles: ['admin'] })],
      [
        "HS256 signed with the issuer's public key",
        () => issuer.hmacWithPublicKeyToken({ roles: ['admin'] }),
      ],
      ['expired', () => issuer.token({ expiresIn: -120 })],
      ['not yet valid (nbf)', () => issuer.token({ notBefore: 600 })],
      ['wrong issuer', () => issuer.token({ issuer: 'http://127.0.0.1:1/realms/other' })],
      ['wrong audience', () => issuer.token({ audience: 'someone-else' })],
      ['unknown kid', () => issuer.unknownKeyToken({ roles: ['admin'] })],
      [
        'signed by another key under the known kid',
        async () => {
          const token = await issuer.unknownKeyToken({ roles: ['admin'] });
          const good = await issuer.token();
          return `${good.split('.')[0]}.${token.split('.')[1]}.${token.split('.')[2]}`;
        },
      ],
    ];

    it.each(attacks)('%s', async (_name, make) => {
      const token = await make();
      const v1 = await get('/v1/models', token);
      expect(v1.status).toBe(401);
      expect(v1.body.error).toMatchObject({ type: 'authentication_error' });
      const api = await get('/api/v1/me/usage', token);
      expect(api.status).toBe(401);
      expect(api.headers['content-type']).toContain('application/problem+json');
      expect(['AUTH.INVALID_TOKEN', 'AUTH.TOKEN_EXPIRED']).toContain(api.body.code);
      expect((await get('/api/v1/admin/providers', token)).status).toBe(401);
    });

    it('a malformed token is a 401, never a 5xx', async () => {
      for (const token of ['a.b.c', 'x..y', '..', `${'e'.repeat(20)}.${'%'.repeat(10)}.zz`]) {
        const res = await get('/v1/models', token);
        expect(res.status).toBe(401);
      }
    });
  });

  it('gateway keys still work beside tokens', async () => {
    expect((await get('/v1/models', gw.userKey)).status).toBe(200);
    expect((await get('/api/v1/admin/providers', gw.adminKey)).status).toBe(200);
  });

  it('no token appears in the log or in events', async () => {
    const token = await issuer.token({ roles: ['user'], sub: `logged-${Date.now()}` });
    await get('/v1/models', token).expect(200);
    await get('/v1/models', `${token}x`).expect(401);
    const signature = token.split('.')[2]!;
    expect(gw.logs()).not.toContain(signature);
    const events = await gw.gateway.runtime.eventStore.readAll();
    expect(JSON.stringify(events, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      signature,
    );
  });
});

describe('OIDC issuer unreachable (embedded)', () => {
  let issuer: LocalOidcIssuer;
  let gw: TestGateway;
  beforeAll(async () => {
    // tokens from a real issuer, but the gateway looks for its discovery document where nothing listens
    issuer = await startLocalOidcIssuer('switchyard-api');
    gw = await startTestGateway('pglite', {
      OIDC_ISSUER_URL: issuer.issuer,
      OIDC_AUDIENCE: issuer.audience,
      OIDC_DISCOVERY_URL: 'http://127.0.0.1:1/realms/switchyard/.well-known/openid-configuration',
    });
  });
  afterAll(async () => {
    await gw?.close();
    await issuer?.close();
  });

  it('a token is a 503 with Retry-After (not a 401 the client would take for a bad token); keys still work', async () => {
    const token = await issuer.token({ roles: ['user'] });
    const v1 = await request(gw.baseUrl).get('/v1/models').set('authorization', `Bearer ${token}`);
    expect(v1.status).toBe(503);
    expect(v1.body.error.code).toBe('identity_provider_unavailable');
    expect(v1.headers['retry-after']).toBeDefined();
    const api = await request(gw.baseUrl).get('/api/v1/me/usage').set('authorization', `Bearer ${token}`);
    expect(api.status).toBe(503);
    expect(api.headers['content-type']).toContain('application/problem+json');
    await request(gw.baseUrl).get('/v1/models').set('authorization', `Bearer ${gw.userKey}`).expect(200);
    expect(gw.logs()).toContain('OIDC discovery failed');
    expect(gw.logs()).not.toContain(token.split('.')[2]!);
  });
});

describePostgres('OIDC: two gateway instances see a new subject at once', () => {
  let issuer: LocalOidcIssuer;
  let first: TestGateway;
  let second: TestGateway;
  beforeAll(async () => {
    issuer = await startLocalOidcIssuer('switchyard-api');
    const oidc = { OIDC_ISSUER_URL: issuer.issuer, OIDC_AUDIENCE: issuer.audience };
    first = await startTestGateway('postgres', oidc);
    const { database, vault } = first.gateway.runtime.config;
    // the same PostgreSQL schema (event log and read models) and vault keys: a second instance
    second = await startTestGateway(
      'postgres',
      {
        ...oidc,
        DATABASE_SCHEMA: database.kind === 'postgres' ? database.schema! : '',
        VAULT_KEYS: vault.keys!,
        VAULT_FINGERPRINT_KEY: vault.fingerprintKey!,
      },
      { testAccounts: false },
    );
  });
  afterAll(async () => {
    // the first instance stops first; the second's close then drops the shared schema
    await first?.gateway.close();
    await second?.close();
    if (first) await rm(first.gateway.runtime.config.dataDir, { recursive: true, force: true });
    await issuer?.close();
  });

  it('opens the account once: one AccountOpened, every request answered', async () => {
    const sub = `both-${Date.now()}`;
    const tokens = await Promise.all([1, 2, 3, 4, 5, 6].map(() => issuer.token({ sub, roles: ['user'] })));
    const answers = await Promise.all(
      tokens.map((t, i) =>
        request((i % 2 === 0 ? first : second).baseUrl)
          .get('/api/v1/me/usage')
          .set('authorization', `Bearer ${t}`),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    const userId = subjectUserId(issuer.issuer, sub);
    const events = await first.gateway.runtime.eventStore.readStream(`account-${userId}`);
    expect(events.map((e) => e.type)).toEqual(['AccountOpened']);
    for (const gw of [first, second])
      await eventually(() => gw.gateway.runtime.directory.account(userId), 10_000, 'the account on both');
  });
});
