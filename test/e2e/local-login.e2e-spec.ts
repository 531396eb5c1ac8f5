import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { createLogger, loadConfig } from '@gw/platform';
import { createGateway, type Gateway } from '../../apps/gateway/src/app.factory';
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
