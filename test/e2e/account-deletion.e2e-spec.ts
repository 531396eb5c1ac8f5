import { randomBytes, randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import request from 'supertest';
import { LOCAL_CREDENTIALS_TABLE, REFRESH_TOKENS_TABLE } from '@gw/accounts';
import { describeBackends } from '@gw/database/testing';
import { VAULT_SECRETS_TABLE } from '@gw/key-vault';
import { startMockProvider, type MockProvider } from '@gw/providers';
import { registerKeyOnlyProvider } from './support/key-only-provider';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * Deleting an account (DELETE /api/v1/admin/users/:id): a starter user with a password, two gateway
 * keys and a BYOK key is deleted by an admin; at once none of the user's credentials work on either
 * surface, the vault holds no row of theirs, their sign-in and sessions are gone, the admin API no
 * longer shows them, and the audit trail (account and keys streams) is still there and verifies.
 * Deleting again is a 204 (a retry finishes an interrupted deletion); nobody deletes themselves,
 * and only admins delete.
 */

const CANARY = `deletion-canary-${randomBytes(16).toString('hex')}`;
const MODEL = 'deletion-model';
const COOKIE = 'switchyard_refresh';

interface AuditEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

describeBackends('account deletion', (backend) => {
  let gw: TestGateway;
  let upstream: MockProvider;
  const as = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${key}`),
    put: (path: string) => request(gw.baseUrl).put(path).set('authorization', `Bearer ${key}`),
    delete: (path: string) => request(gw.baseUrl).delete(path).set('authorization', `Bearer ${key}`),
  });
  const adminId = async (): Promise<string> =>
    (await as(gw.adminKey).get('/api/v1/me').expect(200)).body.id as string;

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    upstream = await startMockProvider({ requireApiKey: CANARY, models: [MODEL] });
    await registerKeyOnlyProvider(gw.baseUrl, gw.adminKey, {
      slug: 'del-own',
      name: 'Del Own',
      upstreamUrl: upstream.url,
      model: MODEL,
      displayName: 'Deletion model',
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('a deleted user is refused everywhere at once, their secrets are shredded, their history stays', async () => {
    const admin = as(gw.adminKey);
    const name = `Del ${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const created = await admin
      .post('/api/v1/admin/users')
      .send({ name, tier: 'starter', password })
      .expect(201);
    const userId = created.body.id as string;
    const username = (await admin.get(`/api/v1/admin/users/${userId}`).expect(200)).body.username as string;
    const first = (
      await admin.post(`/api/v1/admin/users/${userId}/api-keys`).send({ name: 'admin-made' }).expect(201)
    ).body.apiKey as string;
    const second = (await as(first).post('/api/v1/me/api-keys').send({ name: 'own' }).expect(201)).body
      .apiKey as string;
    const byok = await as(first)
      .post('/api/v1/me/keys')
      .send({ provider: 'del-own', apiKey: CANARY, label: 'mine' })
      .expect(201);
    expect(byok.body.status).toBe('valid');
    const login = await request(gw.baseUrl)
      .post('/api/v1/auth/login')
      .send({ username, password })
      .expect(200);
    const accessToken = login.body.accessToken as string;
    const cookie = ([] as string[])
      .concat((login.headers['set-cookie'] as unknown as string[] | undefined) ?? [])
      .find((c) => c.startsWith(`${COOKIE}=`))!
      .split(';')[0]!;

    // Everything works before.
    const client = (apiKey: string) => new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey, maxRetries: 0 });
    const answer = await client(second)
      .chat.completions.create({ model: `del-own/${MODEL}`, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(answer.response.headers.get('x-switchyard-byok')).toBe('used');
    await as(accessToken).get('/api/v1/me').expect(200);
    const knex = gw.gateway.runtime.knex;
    expect(await knex(VAULT_SECRETS_TABLE).where({ owner_id: userId })).toHaveLength(1);
    expect(await knex(LOCAL_CREDENTIALS_TABLE).where({ user_id: userId })).toHaveLength(1);

    // Only admins delete; nobody deletes themselves; an unknown id is a 404.
    const forbidden = await as(first).delete(`/api/v1/admin/users/${userId}`).expect(403);
    expect(forbidden.headers['content-type']).toContain('application/problem+json');
    const self = await admin.delete(`/api/v1/admin/users/${await adminId()}`).expect(409);
    expect(self.body.code).toBe('ACCOUNTS.SELF_DELETE');
    const unknown = await admin.delete(`/api/v1/admin/users/${randomUUID()}`).expect(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.body.code).toBe('ACCOUNTS.ACCOUNT_NOT_FOUND');
    await as(first).get('/api/v1/me').expect(200); // the refused attempts changed nothing

    const upstreamRequests = upstream.stats().requests;
    const deleted = await admin.delete(`/api/v1/admin/users/${userId}`).expect(204);
    expect(deleted.text).toBe('');

    // At once (this instance has applied the events when the 204 comes): no credential works.
    for (const key of [first, second]) {
      const models = await request(gw.baseUrl)
        .get('/v1/models')
        .set('authorization', `Bearer ${key}`)
        .expect(401);
      expect(models.body.error.code).toBe('invalid_api_key');
      const chat = await request(gw.baseUrl)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${key}`)
        .send({ model: `del-own/${MODEL}`, messages: [{ role: 'user', content: 'hi' }] })
        .expect(401);
      expect(chat.body.error.code).toBe('invalid_api_key');
      const me = await as(key).get('/api/v1/me').expect(401);
      expect(me.body.code).toBe('invalid_api_key');
    }
    await as(accessToken).get('/api/v1/me').expect(401);
    await request(gw.baseUrl).get('/v1/models').set('authorization', `Bearer ${accessToken}`).expect(401);
    await request(gw.baseUrl).post('/api/v1/auth/refresh').set('cookie', cookie).expect(401);
    await request(gw.baseUrl).post('/api/v1/auth/login').send({ username, password }).expect(401);
    expect(upstream.stats().requests).toBe(upstreamRequests); // nothing reached the user's upstream

    // The secrets, the password hash and the sessions are gone.
    expect(await knex(VAULT_SECRETS_TABLE).where({ owner_id: userId })).toEqual([]);
    expect(await knex(LOCAL_CREDENTIALS_TABLE).where({ user_id: userId })).toEqual([]);
    const sessions = await knex(REFRESH_TOKENS_TABLE).where({ user_id: userId });
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s: { revoked_at: unknown }) => s.revoked_at !== null)).toBe(true);

    // The admin API does not show the user any more; commands on them are refused.
    const listed = await admin.get(`/api/v1/admin/users?q=${encodeURIComponent(name)}`).expect(200);
    expect(listed.body.data).toEqual([]);
    const all = await admin.get('/api/v1/admin/users?limit=200').expect(200);
    expect((all.body.data as Array<{ id: string }>).map((u) => u.id)).not.toContain(userId);
    await admin.get(`/api/v1/admin/users/${userId}`).expect(404);
    await admin.put(`/api/v1/admin/users/${userId}`).send({ tier: 'professional' }).expect(404);
    await admin.post(`/api/v1/admin/users/${userId}/api-keys`).send({ name: 'again' }).expect(404);

    // The history stays, and verifies.
    const keys = await admin.get(`/api/v1/audit/streams/keys-${userId}`).expect(200);
    const keyEvents = keys.body.events as AuditEvent[];
    expect(keyEvents.map((e) => e.type)).toEqual(['KeyAdded', 'KeyValidated', 'KeyRemoved']);
    expect(keyEvents[2]!.data).toMatchObject({
      keyId: byok.body.id,
      provider: 'del-own',
      reason: 'account_deleted',
    });
    expect(keyEvents[2]!.metadata).toMatchObject({ actorKind: 'admin' });
    expect(keys.body.chain).toMatchObject({ verified: true, events: 3, firstBreak: null });
    const account = await admin.get(`/api/v1/audit/streams/account-${userId}`).expect(200);
    const accountEvents = account.body.events as AuditEvent[];
    expect(accountEvents.map((e) => e.type)).toEqual([
      'AccountOpened',
      'GatewayKeyIssued',
      'GatewayKeyIssued',
      'AccountDeleted',
    ]);
    expect(account.body.chain).toMatchObject({ verified: true, firstBreak: null });
    for (const res of [keys, account]) expect(res.text).not.toContain(CANARY.slice(16, 40));

    // Deleting again completes (nothing left to do) and records nothing more.
    await admin.delete(`/api/v1/admin/users/${userId}`).expect(204);
    const again = await admin.get(`/api/v1/audit/streams/keys-${userId}`).expect(200);
    expect(again.body.events).toHaveLength(3);
    const accountAgain = await admin.get(`/api/v1/audit/streams/account-${userId}`).expect(200);
    expect(accountAgain.body.events).toHaveLength(4);
    // The admin still works.
    await admin.get('/api/v1/me').expect(200);
  });
});
