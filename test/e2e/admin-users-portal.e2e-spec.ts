import { randomBytes, randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import request from 'supertest';
import { toAccountStreamId } from '@gw/accounts';
import { describeBackends } from '@gw/database/testing';
import { eventually } from '@gw/shared-kernel/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * What the admin portal's users pages read: search with a total, a user's provider keys and gateway
 * keys (masked only), revoking a user's gateway key as the admin, and the user's credits and ledger.
 */
describeBackends('admin users (portal queries)', (backend) => {
  let gw: TestGateway;
  /** Everything the gateway answered, to check that no key ever comes back. */
  const seen: string[] = [];
  const as = (key: string) => {
    const track = <T extends request.Test>(t: T): T => {
      void t.on('response', (res: request.Response) =>
        seen.push(JSON.stringify(res.headers), res.text ?? ''),
      );
      return t.set('authorization', `Bearer ${key}`);
    };
    return {
      get: (path: string) => track(request(gw.baseUrl).get(path)),
      post: (path: string) => track(request(gw.baseUrl).post(path)),
      delete: (path: string) => track(request(gw.baseUrl).delete(path)),
    };
  };
  const admin = () => as(gw.adminKey);
  const chat = (apiKey: string) =>
    new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey, maxRetries: 0 }).chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'hi' }],
    });
  /** A starter user (BYOK allowed) with one gateway key. */
  const openUser = async (name: string, email?: string) => {
    const created = await admin()
      .post('/api/v1/admin/users')
      .send({ name, tier: 'starter', ...(email && { email }) })
      .expect(201);
    const id = created.body.id as string;
    const key = await admin().post(`/api/v1/admin/users/${id}/api-keys`).send({ name: 'laptop' }).expect(201);
    return { id, apiKey: key.body.apiKey as string, keyId: key.body.id as string };
  };

  beforeAll(async () => {
    gw = await startTestGateway(backend);
  });
  afterAll(() => gw?.close());

  it('searches by name, email and id, with a total over every page', async () => {
    const tag = randomUUID().slice(0, 8);
    const users = await Promise.all(
      ['Ada', 'Bea', 'Cy'].map((n) => openUser(`${n} ${tag}`, `${n.toLowerCase()}.${tag}@example.com`)),
    );
    const first = await admin().get(`/api/v1/admin/users?q=${tag}&limit=2`).expect(200);
    expect(first.body.total).toBe(3);
    expect(first.body.data.map((u: { name: string }) => u.name)).toEqual([`Ada ${tag}`, `Bea ${tag}`]);
    const second = await admin()
      .get(`/api/v1/admin/users?q=${tag}&limit=2&cursor=${first.body.nextCursor as string}`)
      .expect(200);
    expect(second.body).toMatchObject({ total: 3, nextCursor: null });
    expect(second.body.data.map((u: { name: string }) => u.name)).toEqual([`Cy ${tag}`]);

    const byEmail = await admin().get(`/api/v1/admin/users?q=BEA.${tag}@EXAMPLE`).expect(200);
    expect(byEmail.body).toMatchObject({ total: 1, data: [{ id: users[1]!.id }] });
    const byId = await admin().get(`/api/v1/admin/users?q=${users[2]!.id}`).expect(200);
    expect(byId.body).toMatchObject({ total: 1, data: [{ id: users[2]!.id }] });
    const none = await admin().get(`/api/v1/admin/users?q=nobody-${tag}`).expect(200);
    expect(none.body).toEqual({ data: [], nextCursor: null, total: 0 });
  });

  it("lists a user's gateway keys masked, and the admin revokes one: it answers 401 at once", async () => {
    const user = await openUser(`Key holder ${randomUUID().slice(0, 8)}`);
    const listed = await admin().get(`/api/v1/admin/users/${user.id}/api-keys`).expect(200);
    expect(listed.body.data).toEqual([
      {
        id: user.keyId,
        name: 'laptop',
        maskedKey: expect.stringMatching(/…/),
        createdAt: expect.any(String),
        lastUsedAt: null,
      },
    ]);
    await chat(user.apiKey);
    const used = await admin().get(`/api/v1/admin/users/${user.id}/api-keys`).expect(200);
    expect(used.body.data[0].lastUsedAt).toEqual(expect.any(String));

    // Another user's key id under this user, and an unknown one: 404, nothing revoked.
    const other = await openUser(`Other ${randomUUID().slice(0, 8)}`);
    const foreign = await admin()
      .delete(`/api/v1/admin/users/${user.id}/api-keys/${other.keyId}`)
      .expect(404);
    expect(foreign.body).toMatchObject({ code: 'ACCOUNTS.KEY_NOT_FOUND' });
    await chat(other.apiKey);

    await admin().delete(`/api/v1/admin/users/${user.id}/api-keys/${user.keyId}`).expect(204);
    await expect(chat(user.apiKey)).rejects.toMatchObject({ status: 401 });
    expect((await admin().get(`/api/v1/admin/users/${user.id}/api-keys`).expect(200)).body.data).toEqual([]);
    expect((await admin().get(`/api/v1/admin/users/${user.id}`).expect(200)).body.apiKeys).toBe(0);
    await admin().delete(`/api/v1/admin/users/${user.id}/api-keys/${user.keyId}`).expect(404);

    // Recorded like the user's own revoke, with the admin as the actor.
    const events = await gw.gateway.runtime.eventStore.readStream(toAccountStreamId(user.id));
    const revoked = events.filter((e) => e.type === 'GatewayKeyRevoked');
    expect(revoked).toHaveLength(1);
    expect(revoked[0]!.data).toMatchObject({ keyId: user.keyId });
    expect(revoked[0]!.metadata).toMatchObject({ actorKind: 'admin' });
    expect(revoked[0]!.metadata.actorId).not.toBe(user.id);
  });

  it("lists a user's provider keys masked only: the key never comes back", async () => {
    const user = await openUser(`Byok ${randomUUID().slice(0, 8)}`);
    const secret = `sk-proj-${randomBytes(24).toString('hex')}`;
    const added = await as(user.apiKey)
      .post('/api/v1/me/keys')
      .send({ provider: 'openai', apiKey: secret, label: 'work', validate: false })
      .expect(201);
    const listed = await admin().get(`/api/v1/admin/users/${user.id}/keys`).expect(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        id: added.body.id,
        provider: 'openai',
        label: 'work',
        last4: secret.slice(-4),
        masked: expect.stringMatching(/…/),
        enabled: true,
      }),
    ]);
    expect((await admin().get(`/api/v1/admin/users/${gw.userId}/keys`).expect(200)).body.data).toEqual([]);
    // No piece of the key (beyond its last four) in anything the gateway answered.
    const all = seen.join('\n');
    for (let i = 0; i + 12 <= secret.length; i += 4) expect(all).not.toContain(secret.slice(i, i + 12));
  });

  it("shows a user's credits and ledger; a grant moves the balance the user sees too", async () => {
    const user = await openUser(`Credits ${randomUUID().slice(0, 8)}`);
    const before = (await admin().get(`/api/v1/admin/users/${user.id}/credits`).expect(200)).body;
    expect(before).toEqual((await as(user.apiKey).get('/api/v1/me/credits').expect(200)).body);
    expect(before).toMatchObject({ monthlyCapMicros: null, capMode: expect.any(String) });
    const grant = await admin()
      .post(`/api/v1/admin/users/${user.id}/credits`)
      .send({ amountMicros: '5000000', reason: 'support ticket 42' })
      .expect(201);
    // Full mode: the balance follows the log a moment later (another instance may have settled).
    const after = await eventually(
      async () => {
        const body = (await admin().get(`/api/v1/admin/users/${user.id}/credits`).expect(200)).body;
        return BigInt(body.balanceMicros) - BigInt(before.balanceMicros) === 5_000_000n ? body : undefined;
      },
      10_000,
      'the granted balance',
    );
    expect((await as(user.apiKey).get('/api/v1/me/credits').expect(200)).body.balanceMicros).toBe(
      after.balanceMicros,
    );
    await gw.waitForProjections();
    const ledger = await admin().get(`/api/v1/admin/users/${user.id}/credits/ledger`).expect(200);
    expect(ledger.body.data).toContainEqual(
      expect.objectContaining({ amountMicros: '5000000', reference: grant.body.grantId }),
    );
    expect(ledger.body).toEqual((await as(user.apiKey).get('/api/v1/me/credits/ledger').expect(200)).body);
  });

  it('is for admins only, and 404s for an unknown user', async () => {
    const user = await openUser(`Plain ${randomUUID().slice(0, 8)}`);
    for (const path of ['keys', 'api-keys', 'credits', 'credits/ledger'])
      await as(user.apiKey).get(`/api/v1/admin/users/${user.id}/${path}`).expect(403);
    await as(user.apiKey).delete(`/api/v1/admin/users/${user.id}/api-keys/${user.keyId}`).expect(403);
    await chat(user.apiKey); // still works
    for (const path of ['keys', 'api-keys', 'credits', 'credits/ledger']) {
      const missing = await admin().get(`/api/v1/admin/users/usr_nobody/${path}`).expect(404);
      expect(missing.headers['content-type']).toContain('application/problem+json');
    }
    await admin().get(`/api/v1/admin/users/${user.id}/credits/ledger?before=nonsense`).expect(400);
  });
});
