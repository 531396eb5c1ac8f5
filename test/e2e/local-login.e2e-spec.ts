import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import OpenAI from 'openai';
import request from 'supertest';
import { LOCAL_CREDENTIALS, type LocalCredentials } from '@gw/accounts';
import { describeBackends, postgresUrl } from '@gw/database/testing';
import { redisUrl } from '@gw/limits/testing';
import { ConfiguredSecret, createLogger, loadConfig } from '@gw/platform';
import { describeIf, eventually } from '@gw/shared-kernel/testing';
import { createGateway, type Gateway } from '../../apps/gateway/src/app.factory';
import { loadSessionSigningKey } from '../../apps/gateway/src/auth/session-signing-key';
import { startExtraInstance, type ExtraInstance } from './support/extra-instance';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const COOKIE = 'switchyard_refresh';

/** The refresh cookie a response set, as `name=value` for the next request's Cookie header. */
function refreshCookie(res: request.Response): { header: string; raw: string } {
  const raw = ([] as string[])
    .concat((res.headers['set-cookie'] as unknown as string[] | undefined) ?? [])
    .find((c) => c.startsWith(`${COOKIE}=`));
  if (!raw) throw new Error('no refresh cookie set');
  return { header: raw.split(';')[0]!, raw };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describeBackends('local sign-in', (backend) => {
  let gw: TestGateway;
  const secrets: string[] = [];
  beforeAll(async () => {
    gw = await startTestGateway(backend);
    secrets.push(gw.userPassword, gw.adminPassword);
  });
  afterAll(() => gw?.close());

  const login = (username: string, password: string) =>
    request(gw.baseUrl).post('/api/v1/auth/login').send({ username, password });
  const refresh = (cookie?: string) => {
    const req = request(gw.baseUrl).post('/api/v1/auth/refresh');
    return cookie ? req.set('cookie', cookie) : req;
  };
  const remember = (res: request.Response) => {
    if (res.body.accessToken) secrets.push(res.body.accessToken as string);
    try {
      secrets.push(refreshCookie(res).header.split('=')[1]!);
    } catch {
      // no cookie on this answer
    }
    return res;
  };

  it('GET /api/v1/auth/config says local, without authentication', async () => {
    const res = await request(gw.baseUrl).get('/api/v1/auth/config').expect(200);
    expect(res.body.mode).toBe('local');
  });

  it('the bootstrap accounts have passwords (usernames admin and demo)', () => {
    expect(gw.userPassword.length).toBeGreaterThanOrEqual(20);
    expect(gw.adminPassword.length).toBeGreaterThanOrEqual(20);
  });

  it('signs in: a short-lived Bearer token and an httpOnly, SameSite=Strict refresh cookie on /api/v1/auth', async () => {
    const res = remember(await login('demo', gw.userPassword));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    expect(res.body.accessToken.split('.')).toHaveLength(3);
    expect(res.headers['cache-control']).toBe('no-store');
    const { raw } = refreshCookie(res);
    expect(raw).toMatch(/HttpOnly/i);
    expect(raw).toMatch(/SameSite=Strict/i);
    expect(raw).toMatch(/Path=\/api\/v1\/auth(;|$)/);
    expect(raw).toMatch(/Max-Age=\d+/);
  });

  it('usernames are case-insensitive', async () => {
    remember(await login('  DEMO ', gw.userPassword).expect(200));
  });

  it('the access token works on /v1 (official openai client) and on /api/v1', async () => {
    const { accessToken } = remember(await login('demo', gw.userPassword).expect(200)).body as {
      accessToken: string;
    };
    const client = new OpenAI({ apiKey: accessToken, baseURL: `${gw.baseUrl}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(completion.choices[0]?.message.content).toBeTruthy();
    const usage = await request(gw.baseUrl)
      .get('/api/v1/me/usage')
      .set('authorization', `Bearer ${accessToken}`);
    expect(usage.status).toBe(200);
    const admin = await request(gw.baseUrl)
      .get('/api/v1/admin/providers')
      .set('authorization', `Bearer ${accessToken}`);
    expect(admin.status).toBe(403);
    const adminToken = remember(await login('admin', gw.adminPassword).expect(200)).body
      .accessToken as string;
    await request(gw.baseUrl)
      .get('/api/v1/admin/providers')
      .set('authorization', `Bearer ${adminToken}`)
      .expect(200);
  });

  it('a token altered in one character is refused with 401', async () => {
    const { accessToken } = remember(await login('demo', gw.userPassword).expect(200)).body as {
      accessToken: string;
    };
    const [h, p, s] = accessToken.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    const res = await request(gw.baseUrl).get('/v1/models').set('authorization', `Bearer ${flipped}`);
    expect(res.status).toBe(401);
  });

  it('refresh rotates the cookie; the used one presented again revokes the whole session', async () => {
    const first = refreshCookie(remember(await login('demo', gw.userPassword).expect(200)));
    const second = remember(await refresh(first.header));
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    const next = refreshCookie(second);
    expect(next.header).not.toBe(first.header);
    await request(gw.baseUrl)
      .get('/v1/models')
      .set('authorization', `Bearer ${second.body.accessToken}`)
      .expect(200);

    const reused = await refresh(first.header);
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('AUTH.INVALID_REFRESH_TOKEN');
    // the thief's reuse ended the family: the legitimate newest token is dead too
    expect((await refresh(next.header)).status).toBe(401);
    expect(gw.logs()).toContain('a used refresh token was presented again');
  });

  it('refresh without a cookie or with an unknown one is a 401 that clears the cookie', async () => {
    const none = await refresh();
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    const unknown = await refresh(`${COOKIE}=${randomUUID()}`);
    expect(unknown.status).toBe(401);
    expect(refreshCookie(unknown).raw).toMatch(/Max-Age=0/);
  });

  it('logout answers 204, clears the cookie and ends the session', async () => {
    const cookie = refreshCookie(remember(await login('demo', gw.userPassword).expect(200)));
    const out = await request(gw.baseUrl).post('/api/v1/auth/logout').set('cookie', cookie.header);
    expect(out.status).toBe(204);
    expect(refreshCookie(out).raw).toMatch(/Max-Age=0/);
    expect((await refresh(cookie.header)).status).toBe(401);
  });

  it('malformed sign-in bodies are 400s, never 5xx', async () => {
    for (const body of [
      {},
      { username: 'demo' },
      { username: 5, password: 'x' },
      { username: 'd', password: 'x', extra: 1 },
    ]) {
      const res = await request(gw.baseUrl).post('/api/v1/auth/login').send(body);
      expect(res.status).toBe(400);
    }
    const text = await request(gw.baseUrl)
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send('{"username":');
    expect(text.status).toBe(400);
  });

  it('a wrong password and an unknown user look the same and take about as long', async () => {
    const wrong: number[] = [];
    const unknown: number[] = [];
    const bodies = new Set<string>();
    for (let i = 0; i < 3; i++) {
      let t = performance.now();
      const a = await login('admin', `wrong-${i}-password`);
      wrong.push(performance.now() - t);
      t = performance.now();
      const b = await login(`nobody-${randomUUID()}`, `wrong-${i}-password`);
      unknown.push(performance.now() - t);
      for (const res of [a, b]) {
        expect(res.status).toBe(401);
        const { correlationId: _c, ...rest } = res.body as Record<string, unknown>;
        bodies.add(JSON.stringify(rest));
      }
    }
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).toContain('AUTH.INVALID_CREDENTIALS');
    // both ran scrypt: neither answer is several times faster than the other
    expect(median(unknown)).toBeGreaterThan(median(wrong) / 3);
    expect(median(wrong)).toBeGreaterThan(median(unknown) / 3);
  });

  it('failed sign-ins are rate-limited per username: 429 with Retry-After, even with the right password', async () => {
    // 3 failures for admin above; two more reach the limit of 5
    for (let i = 0; i < 2; i++) expect((await login('admin', 'still-wrong')).status).toBe(401);
    const limited = await login('admin', gw.adminPassword);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.code).toBe('AUTH.TOO_MANY_ATTEMPTS');
    // another username from the same address is not locked by it
    remember(await login('demo', gw.userPassword).expect(200));
  });

  it('and per address: enough failures with different usernames lock the address', async () => {
    let status = 401;
    for (let i = 0; i < 25 && status === 401; i++) status = (await login(`probe-${i}`, 'guess')).status;
    expect(status).toBe(429);
    const res = await login('demo', gw.userPassword);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('no password, access token or refresh token in the log or in events', async () => {
    const all = await gw.gateway.runtime.eventStore.readAll();
    const events = JSON.stringify(all, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    const logs = gw.logs();
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(16);
      expect(logs).not.toContain(secret);
      expect(events).not.toContain(secret);
    }
    expect(logs).not.toContain('still-wrong');
  });
});

describe('local sign-in across restarts and account changes (embedded)', () => {
  let dataDir: string;
  let gateway: Gateway | undefined;
  const start = async (): Promise<{ gateway: Gateway; baseUrl: string }> => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      MOCK_PROVIDERS: 'on',
      MOCK_LATENCY_MS: '0',
      MOCK_FAILURE_RATE: '0',
      LOG_LEVEL: 'silent',
    });
    gateway = await createGateway(config, createLogger('silent'));
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const address = gateway.app.getHttpServer().address() as AddressInfo;
    return { gateway, baseUrl: `http://127.0.0.1:${address.port}` };
  };
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-login-'));
  });
  afterAll(async () => {
    await gateway?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a data directory from before local sign-in gets passwords on its next start', async () => {
    const first = await start();
    const file = path.join(dataDir, 'credentials.json');
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, string>>;
    expect(saved.user).toMatchObject({ username: 'demo', password: expect.any(String) });
    // as an older version left it: keys only, no sign-in
    const old = Object.fromEntries(
      Object.entries(saved).map(([who, { userId, apiKey }]) => [who, { userId, apiKey }]),
    );
    await writeFile(file, JSON.stringify(old), { mode: 0o600 });
    await first.gateway.runtime.knex('local_credentials').delete();
    await first.gateway.close();

    const second = await start();
    expect(second.gateway.credentials?.user).toMatchObject({
      userId: saved.user!.userId,
      apiKey: saved.user!.apiKey,
      username: 'demo',
    });
    const password = second.gateway.credentials!.user.password!;
    expect(password).not.toBe(saved.user!.password);
    expect(JSON.parse(await readFile(file, 'utf8')).user.password).toBe(password);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await request(second.baseUrl).post('/api/v1/auth/login').send({ username: 'demo', password }).expect(200);
    await request(second.baseUrl)
      .post('/api/v1/auth/login')
      .send({ username: 'demo', password: saved.user!.password })
      .expect(401);
  });

  it('the session signing key survives a restart: an access token stays valid', async () => {
    const baseUrl = await currentBaseUrl();
    const password = gateway!.credentials!.user.password!;
    const { accessToken } = (
      await request(baseUrl).post('/api/v1/auth/login').send({ username: 'demo', password }).expect(200)
    ).body as { accessToken: string };
    await gateway!.close();
    const restarted = await start();
    await request(restarted.baseUrl)
      .get('/v1/models')
      .set('authorization', `Bearer ${accessToken}`)
      .expect(200);
  });

  it('a disabled account can no longer sign in, refresh or use its token', async () => {
    const baseUrl = await currentBaseUrl();
    const creds = gateway!.credentials!;
    const login = await request(baseUrl)
      .post('/api/v1/auth/login')
      .send({ username: 'demo', password: creds.user.password })
      .expect(200);
    const cookie = refreshCookie(login).header;
    await request(baseUrl)
      .put(`/api/v1/admin/users/${creds.user.userId}`)
      .set('authorization', `Bearer ${creds.admin.apiKey}`)
      .send({ disabled: true })
      .expect(200);
    const token = await request(baseUrl)
      .get('/v1/models')
      .set('authorization', `Bearer ${login.body.accessToken}`);
    expect(token.status).toBe(403);
    expect(token.body.error.code).toBe('account_deactivated');
    await request(baseUrl).post('/api/v1/auth/refresh').set('cookie', cookie).expect(401);
    await request(baseUrl)
      .post('/api/v1/auth/login')
      .send({ username: 'demo', password: creds.user.password })
      .expect(401);
  });

  async function currentBaseUrl(): Promise<string> {
    const address = gateway!.app.getHttpServer().address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }
});

/** The client address recorded with the GatewayKeyIssued event of a key (audit metadata). */
async function sourceIpOfKeyIssued(gw: TestGateway, keyId: string): Promise<string | undefined> {
  const events = await gw.gateway.runtime.eventStore.readAll();
  const issued = events.find(
    (e) => e.type === 'GatewayKeyIssued' && (e.data as { keyId?: string }).keyId === keyId,
  );
  if (!issued) throw new Error(`no GatewayKeyIssued for ${keyId}`);
  return issued.metadata.sourceIp;
}

/** Polls until the access token is refused (401), at most `boundMs`; resolves with how long it took. */
async function refusedWithin(baseUrl: string, accessToken: string, boundMs: number): Promise<number> {
  const started = Date.now();
  await eventually(
    async () =>
      (await request(baseUrl).get('/v1/models').set('authorization', `Bearer ${accessToken}`)).status === 401
        ? true
        : undefined,
    boundMs,
    'the logged-out access token to be refused',
    50,
  );
  return Date.now() - started;
}

describeBackends(
  'sign-in behind trusted proxies: throttles, sessions, fresh sign-in for gateway keys',
  (backend) => {
    let gw: TestGateway;
    let verifications: jest.SpyInstance;
    const seed = randomBytes(32).toString('base64');
    beforeAll(async () => {
      // 127.0.0.1 (the test client) is the proxy: X-Forwarded-For says who the client is
      gw = await startTestGateway(backend, {
        TRUSTED_PROXIES: '127.0.0.1/32, ::1',
        SESSION_SIGNING_KEY: seed,
      });
      verifications = jest.spyOn(gw.gateway.app.get<LocalCredentials>(LOCAL_CREDENTIALS), 'verify');
    });
    afterAll(() => gw?.close());

    const from = (address: string) => ({
      login: (username: string, password: string) =>
        request(gw.baseUrl)
          .post('/api/v1/auth/login')
          .set('x-forwarded-for', address)
          .send({ username, password }),
    });
    const signIn = async (address: string) => {
      const res = await from(address).login('demo', gw.userPassword).expect(200);
      return { accessToken: res.body.accessToken as string, cookie: refreshCookie(res).header };
    };

    it('40 wrong passwords at once for one user from one address: at most 5 password checks, the rest 429 with Retry-After', async () => {
      const before = verifications.mock.calls.length;
      const answers = await Promise.all(
        Array.from({ length: 40 }, () => from('203.0.113.1').login('demo', 'wrong-password')),
      );
      const checks = verifications.mock.calls.length - before;
      expect(checks).toBeLessThanOrEqual(5);
      const limited = answers.filter((a) => a.status === 429);
      expect(limited).toHaveLength(40 - checks);
      expect(answers.filter((a) => a.status === 401)).toHaveLength(checks);
      for (const a of limited) {
        expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
        expect(a.body.code).toBe('AUTH.TOO_MANY_ATTEMPTS');
      }
    });

    it('40 wrong passwords at once from one address for 40 usernames: at most 20 password checks (the per-address rule), the rest 429', async () => {
      const before = verifications.mock.calls.length;
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => from('203.0.113.2').login(`probe-${i}`, 'guess')),
      );
      const checks = verifications.mock.calls.length - before;
      // the fresh address is admitted up to its rule, and not one attempt more
      expect(checks).toBe(20);
      expect(answers.filter((a) => a.status === 429)).toHaveLength(40 - checks);
      expect(answers.every((a) => a.status === 429 || a.status === 401)).toBe(true);
    });

    it('a failure streak from one address does not lock the owner out: the right password from a fresh address signs in', async () => {
      for (let i = 0; i < 5; i++)
        expect((await from('203.0.113.3').login('demo', 'not-it')).status).toBe(401);
      expect((await from('203.0.113.3').login('demo', gw.userPassword)).status).toBe(429);
      await from('198.51.100.4').login('demo', gw.userPassword).expect(200);
    });

    it('X-Forwarded-For through a trusted proxy is the client address in the audit metadata; the Secure cookie follows X-Forwarded-Proto', async () => {
      const res = await request(gw.baseUrl)
        .post('/api/v1/me/api-keys')
        .set('authorization', `Bearer ${gw.userKey}`)
        .set('x-forwarded-for', '6.6.6.6, 198.51.100.77')
        .send({ name: 'audited' })
        .expect(201);
      expect(await sourceIpOfKeyIssued(gw, res.body.id as string)).toBe('198.51.100.77');

      const secure = await from('198.51.100.5')
        .login('demo', gw.userPassword)
        .set('x-forwarded-proto', 'https');
      expect(refreshCookie(secure).raw).toMatch(/;\s*Secure/i);
      const plain = await from('198.51.100.5').login('demo', gw.userPassword);
      expect(refreshCookie(plain).raw).not.toMatch(/;\s*Secure/i);
    });

    it('after logout the old access token gets 401 within 5 s, and cannot create a gateway key', async () => {
      const { accessToken, cookie } = await signIn('198.51.100.6');
      await request(gw.baseUrl).get('/v1/models').set('authorization', `Bearer ${accessToken}`).expect(200);
      await request(gw.baseUrl).post('/api/v1/auth/logout').set('cookie', cookie).expect(204);
      expect(await refusedWithin(gw.baseUrl, accessToken, 5_000)).toBeLessThanOrEqual(5_000);
      const key = await request(gw.baseUrl)
        .post('/api/v1/me/api-keys')
        .set('authorization', `Bearer ${accessToken}`)
        .send({ name: 'after-logout' });
      expect(key.status).toBe(401);
      expect(key.headers['content-type']).toContain('application/problem+json');
    });

    it('a logout that sends only the access token (curl, an SDK) ends its session too: the token and the refresh cookie stop working', async () => {
      const { accessToken, cookie } = await signIn('198.51.100.9');
      await request(gw.baseUrl).get('/v1/models').set('authorization', `Bearer ${accessToken}`).expect(200);
      await request(gw.baseUrl)
        .post('/api/v1/auth/logout')
        .set('authorization', `Bearer ${accessToken}`)
        .expect(204);
      expect(await refusedWithin(gw.baseUrl, accessToken, 5_000)).toBeLessThanOrEqual(5_000);
      await request(gw.baseUrl).post('/api/v1/auth/refresh').set('cookie', cookie).expect(401);
      // A token that is not one of this gateway's sessions ends nothing and is no error.
      await request(gw.baseUrl)
        .post('/api/v1/auth/logout')
        .set('authorization', 'Bearer not-a-token')
        .expect(204);
    });

    it("a refresh token presented twice ends the session's access tokens too", async () => {
      const { cookie } = await signIn('198.51.100.7');
      const refreshed = await request(gw.baseUrl)
        .post('/api/v1/auth/refresh')
        .set('cookie', cookie)
        .expect(200);
      const accessToken = refreshed.body.accessToken as string;
      await request(gw.baseUrl).get('/v1/models').set('authorization', `Bearer ${accessToken}`).expect(200);
      await request(gw.baseUrl).post('/api/v1/auth/refresh').set('cookie', cookie).expect(401);
      expect(await refusedWithin(gw.baseUrl, accessToken, 5_000)).toBeLessThanOrEqual(5_000);
    });

    it('a gateway key from an access token: at once after sign-in; from a session signed in 20 minutes ago only with the password', async () => {
      const { accessToken } = await signIn('198.51.100.8');
      const fresh = await request(gw.baseUrl)
        .post('/api/v1/me/api-keys')
        .set('authorization', `Bearer ${accessToken}`)
        .send({ name: 'fresh-session' });
      expect(fresh.status).toBe(201);

      // what a refresh 20 minutes after the sign-in hands out: a new token, the old sign-in time
      const key = await loadSessionSigningKey(new ConfiguredSecret(seed), gw.gateway.runtime.config.dataDir);
      const nowS = Math.floor(Date.now() / 1000);
      const old = await new SignJWT({ sid: randomUUID(), auth_time: nowS - 20 * 60 })
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
        .setIssuer('urn:switchyard:gateway')
        .setAudience('urn:switchyard:gateway')
        .setSubject(gw.userId)
        .setJti(randomUUID())
        .setIssuedAt(nowS)
        .setExpirationTime(nowS + 600)
        .sign(key.privateKey);
      const as = () => request(gw.baseUrl).post('/api/v1/me/api-keys').set('authorization', `Bearer ${old}`);
      await request(gw.baseUrl).get('/api/v1/me').set('authorization', `Bearer ${old}`).expect(200);

      const refused = await as().send({ name: 'old-session' });
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body.code).toBe('AUTH.REAUTHENTICATION_REQUIRED');
      const wrong = await as()
        .set('x-forwarded-for', '198.51.100.9')
        .send({ name: 'old-session', password: 'nope-nope' });
      expect(wrong.status).toBe(403);
      expect(wrong.body.code).toBe('AUTH.INCORRECT_PASSWORD');
      const right = await as()
        .set('x-forwarded-for', '198.51.100.9')
        .send({ name: 'old-session', password: gw.userPassword });
      expect(right.status).toBe(201);
      expect(right.body.apiKey).toMatch(/^sk-sy-/);
      // gateway keys keep working as they did
      await request(gw.baseUrl)
        .post('/api/v1/me/api-keys')
        .set('authorization', `Bearer ${gw.userKey}`)
        .send({ name: 'with-a-key' })
        .expect(201);
    });
  },
);

describe('X-Forwarded-For from a peer that is not a trusted proxy (embedded, no TRUSTED_PROXIES)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('pglite');
  });
  afterAll(() => gw?.close());

  it('is ignored: the audit metadata keeps the peer address, a forged X-Forwarded-Proto sets no Secure cookie', async () => {
    const res = await request(gw.baseUrl)
      .post('/api/v1/me/api-keys')
      .set('authorization', `Bearer ${gw.userKey}`)
      .set('x-forwarded-for', '198.51.100.77')
      .send({ name: 'audited' })
      .expect(201);
    expect(await sourceIpOfKeyIssued(gw, res.body.id as string)).toMatch(
      /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/,
    );
    const login = await request(gw.baseUrl)
      .post('/api/v1/auth/login')
      .set('x-forwarded-proto', 'https')
      .send({ username: 'demo', password: gw.userPassword })
      .expect(200);
    expect(refreshCookie(login).raw).not.toMatch(/;\s*Secure/i);
  });
});

describeIf(
  Boolean(postgresUrl()) && Boolean(redisUrl()),
  'logout across two gateway instances: needs DATABASE_URL and REDIS_URL (one PostgreSQL store, one Redis)',
)('logout across two gateway instances sharing PostgreSQL and Redis', () => {
  let first: TestGateway;
  let second: ExtraInstance;
  beforeAll(async () => {
    first = await startTestGateway('postgres', {
      REDIS_URL: redisUrl()!,
      SESSION_SIGNING_KEY: randomBytes(32).toString('base64'),
    });
    second = await startExtraInstance(first, 'sessions');
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('a logout on one instance: the old access token gets 401 on the other within 5 s', async () => {
    const login = await request(first.baseUrl)
      .post('/api/v1/auth/login')
      .send({ username: 'demo', password: first.userPassword })
      .expect(200);
    const accessToken = login.body.accessToken as string;
    await eventually(
      async () =>
        (await request(second.baseUrl).get('/v1/models').set('authorization', `Bearer ${accessToken}`))
          .status === 200
          ? true
          : undefined,
      10_000,
      'the token accepted on the second instance',
    );
    await request(first.baseUrl)
      .post('/api/v1/auth/logout')
      .set('cookie', refreshCookie(login).header)
      .expect(204);
    expect(await refusedWithin(second.baseUrl, accessToken, 5_000)).toBeLessThanOrEqual(5_000);
    const key = await request(second.baseUrl)
      .post('/api/v1/me/api-keys')
      .set('authorization', `Bearer ${accessToken}`)
      .send({ name: 'after-logout' });
    expect(key.status).toBe(401);
  });

  it('40 wrong passwords at once over both instances: 5 are checked (401), the other 35 refused (429), as on one', async () => {
    const username = `nobody-${randomUUID().slice(0, 8)}`;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        request(i % 2 === 0 ? first.baseUrl : second.baseUrl)
          .post('/api/v1/auth/login')
          .send({ username, password: 'wrong-password' }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(35).fill(429)]);
    for (const refused of answers.filter((a) => a.status === 429))
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});
