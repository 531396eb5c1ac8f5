import OpenAI from 'openai';
import request from 'supertest';
import { toAccountStreamId } from '@gw/accounts';
import { toRequestStreamId } from '@gw/routing';
import { describeBackends, describePostgres } from '@gw/database/testing';
import { eventually } from '@gw/shared-kernel/testing';
import { startExtraInstance, type ExtraInstance } from './support/extra-instance';
import { startTestGateway, type TestGateway } from './support/test-gateway';

describeBackends('accounts, settings, gateway keys and admin users', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(backend);
  });
  afterAll(() => gw?.close());

  const as = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${key}`),
    put: (path: string) => request(gw.baseUrl).put(path).set('authorization', `Bearer ${key}`),
    delete: (path: string) => request(gw.baseUrl).delete(path).set('authorization', `Bearer ${key}`),
  });
  const admin = () => as(gw.adminKey);
  const chat = (apiKey: string) =>
    new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey, maxRetries: 0 }).chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'hi' }],
    });
  /** A new user of this tier with one gateway key. */
  const newUser = async (tier: string, name = `User ${Math.random().toString(36).slice(2, 8)}`) => {
    const created = await admin().post('/api/v1/admin/users').send({ name, tier }).expect(201);
    const key = await admin()
      .post(`/api/v1/admin/users/${created.body.id}/api-keys`)
      .send({ name: 'first' })
      .expect(201);
    return { id: created.body.id as string, apiKey: key.body.apiKey as string, keyId: key.body.id as string };
  };

  it('an admin creates a starter user and a gateway key for them that works with the openai client', async () => {
    const created = await admin()
      .post('/api/v1/admin/users')
      .send({ name: 'Stella Starter', tier: 'starter' });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body)).toEqual(['id']);
    const key = await admin().post(`/api/v1/admin/users/${created.body.id}/api-keys`).send({ name: 'ci' });
    expect(key.status).toBe(201);
    expect(key.body.apiKey).toMatch(/^sk-sy-/);
    expect(key.body.id).toEqual(expect.any(String));

    const answer = await chat(key.body.apiKey);
    expect(answer.choices[0]!.message.content).toEqual(expect.any(String));

    const me = await as(key.body.apiKey).get('/api/v1/me').expect(200);
    expect(me.body).toEqual({
      id: created.body.id,
      name: 'Stella Starter',
      roles: ['user'],
      tier: 'starter',
      powerLevel: 'balanced',
      allowedPowerLevels: ['eco', 'balanced'],
      byok: { allowed: true, keysPerProvider: 1 },
    });
    // The key is in that one answer only: not in the events of the account.
    const events = await gw.gateway.runtime.eventStore.readStream(toAccountStreamId(created.body.id));
    expect(JSON.stringify(events.map((e) => [e.data, e.metadata]))).not.toContain(key.body.apiKey);
    expect(events.map((e) => e.type)).toEqual(['AccountOpened', 'GatewayKeyIssued']);
    expect(events[1]!.metadata).toMatchObject({ actorKind: 'admin' });
    expect(gw.logs()).not.toContain(key.body.apiKey);
  });

  it('GET /api/v1/me for the demo user (professional) and a free user', async () => {
    const me = await as(gw.userKey).get('/api/v1/me').expect(200);
    expect(me.body).toMatchObject({
      id: gw.userId,
      roles: ['user'],
      tier: 'professional',
      powerLevel: 'balanced',
      allowedPowerLevels: ['eco', 'balanced', 'precision'],
      byok: { allowed: true, keysPerProvider: 5 },
    });
    const free = await newUser('free');
    expect((await as(free.apiKey).get('/api/v1/me').expect(200)).body).toMatchObject({
      id: free.id,
      tier: 'free',
      powerLevel: 'eco',
      allowedPowerLevels: ['eco'],
      byok: { allowed: false, keysPerProvider: 0 },
    });
  });

  it("chat: a power level the tier does not include is a 403 in OpenAI's shape naming the tier that unlocks it", async () => {
    const starter = await newUser('starter');
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: starter.apiKey, maxRetries: 0 });
    const hi = [{ role: 'user' as const, content: 'hi' }];
    const asked = [
      () => client.chat.completions.create({ model: 'precision', messages: hi }),
      () =>
        client.chat.completions.create(
          { model: 'auto', messages: hi },
          { headers: { 'X-Power-Level': 'precision' } },
        ),
      () =>
        client.chat.completions.create({ model: 'auto', messages: hi, power_level: 'precision' } as never),
      () => client.chat.completions.create({ model: 'precision', messages: hi, stream: true }),
    ];
    const params = ['model', 'X-Power-Level', 'power_level', 'model'];
    for (const [i, ask] of asked.entries()) {
      const error = await ask().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
      expect((error as InstanceType<typeof OpenAI.PermissionDeniedError>).error).toEqual({
        type: 'permission_error',
        code: 'ACCOUNTS.POWER_LEVEL_NOT_ALLOWED',
        param: params[i],
        message:
          'The starter tier does not include the precision power level; the professional tier unlocks it.',
      });
      // Refused before routing: nothing was recorded for it.
      const requestId = (error as InstanceType<typeof OpenAI.APIError>).headers?.get(
        'x-switchyard-request-id',
      );
      expect(requestId).toBeTruthy();
      expect(await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(requestId!))).toEqual([]);
    }
    // What the tier includes is served at that level.
    const served = await client.chat.completions.create({ model: 'balanced', messages: hi }).withResponse();
    const requestId = served.response.headers.get('x-switchyard-request-id')!;
    const events = await gw.gateway.runtime.eventStore.readStream(toRequestStreamId(requestId));
    expect(events[0]).toMatchObject({ type: 'RequestRouted', data: { powerLevel: 'balanced' } });
  });

  it('settings: read, change, and a power level the tier does not allow is a 403 naming the tier that unlocks it', async () => {
    const user = await newUser('starter');
    const me = as(user.apiKey);
    expect((await me.get('/api/v1/me/settings').expect(200)).body).toEqual({
      powerLevel: 'balanced',
      monthlyCapMicros: null,
      capMode: 'soft',
      byokOnly: false,
      lowBalanceAlertMicros: null,
    });
    const put = await me
      .put('/api/v1/me/settings')
      .send({ powerLevel: 'eco', monthlyCapMicros: '5000000', capMode: 'hard', byokOnly: true });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      powerLevel: 'eco',
      monthlyCapMicros: '5000000',
      capMode: 'hard',
      byokOnly: true,
      lowBalanceAlertMicros: null,
    });
    expect((await me.get('/api/v1/me/settings').expect(200)).body).toEqual(put.body);
    expect((await me.get('/api/v1/me').expect(200)).body.powerLevel).toBe('eco');

    const precision = await me.put('/api/v1/me/settings').send({ powerLevel: 'precision' });
    expect(precision.status).toBe(403);
    expect(precision.headers['content-type']).toContain('application/problem+json');
    expect(precision.body.code).toBe('ACCOUNTS.NOT_ALLOWED_BY_TIER');
    expect(precision.body.detail).toContain('professional tier unlocks it');

    const noCap = await me.put('/api/v1/me/settings').send({ monthlyCapMicros: null });
    expect(noCap.body).toMatchObject({ monthlyCapMicros: null, capMode: 'hard' });
  });

  it('settings: the low-balance alert is stored per user, kept when a PUT leaves it out, cleared with null', async () => {
    const user = await newUser('starter');
    const other = await newUser('free');
    const me = as(user.apiKey);
    const set = await me.put('/api/v1/me/settings').send({ lowBalanceAlertMicros: '2000000' }).expect(200);
    expect(set.body).toMatchObject({ lowBalanceAlertMicros: '2000000', powerLevel: 'balanced' });
    expect((await me.get('/api/v1/me/settings').expect(200)).body.lowBalanceAlertMicros).toBe('2000000');
    // Another user's settings are their own.
    expect(
      (await as(other.apiKey).get('/api/v1/me/settings').expect(200)).body.lowBalanceAlertMicros,
    ).toBeNull();
    // A PUT without it (an older client) leaves it as it is.
    const eco = await me.put('/api/v1/me/settings').send({ powerLevel: 'eco' }).expect(200);
    expect(eco.body).toMatchObject({ powerLevel: 'eco', lowBalanceAlertMicros: '2000000' });
    // Recorded as its own event on the account's stream.
    const events = await gw.gateway.runtime.eventStore.readStream(toAccountStreamId(user.id));
    expect(events.filter((e) => e.type === 'LowBalanceAlertSet').map((e) => e.data)).toEqual([
      expect.objectContaining({ userId: user.id, lowBalanceAlertMicros: '2000000' }),
    ]);
    const cleared = await me.put('/api/v1/me/settings').send({ lowBalanceAlertMicros: null }).expect(200);
    expect(cleared.body.lowBalanceAlertMicros).toBeNull();
    expect((await me.get('/api/v1/me/settings').expect(200)).body.lowBalanceAlertMicros).toBeNull();
  });

  it('settings: malformed values are 400s naming the field, never a 5xx', async () => {
    const me = as((await newUser('free')).apiKey);
    for (const [body, param] of [
      [{ monthlyCapMicros: 5 }, 'monthlyCapMicros'],
      [{ monthlyCapMicros: '1.5' }, 'monthlyCapMicros'],
      [{ capMode: 'firm' }, 'capMode'],
      [{ powerLevel: 'turbo' }, 'powerLevel'],
      [{ lowBalanceAlertMicros: 2 }, 'lowBalanceAlertMicros'],
      [{ lowBalanceAlertMicros: '-1' }, 'lowBalanceAlertMicros'],
      [{ lowBalanceAlertMicros: '9223372036854775808' }, 'lowBalanceAlertMicros'],
      [{ tier: 'enterprise' }, 'tier'], // not a user's setting
    ] as const) {
      const res = await me.put('/api/v1/me/settings').send(body);
      expect({ param, status: res.status }).toEqual({ param, status: 400 });
      expect(res.body.detail ?? res.body.title).toContain(param);
    }
    const free = await me.put('/api/v1/me/settings').send({ byokOnly: true });
    expect(free.status).toBe(403);
    expect(free.body.detail).toContain('starter tier unlocks it');
  });

  it('gateway keys: create (shown once), list masked with created and last-used times, revoke takes effect on the next request', async () => {
    const user = await newUser('free');
    const me = as(user.apiKey);
    const created = await me.post('/api/v1/me/api-keys').send({ name: 'laptop' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'laptop', apiKey: expect.stringMatching(/^sk-sy-/) });
    const second = created.body.apiKey as string;
    await chat(second);

    const list = await me.get('/api/v1/me/api-keys').expect(200);
    expect(list.body.data).toHaveLength(2);
    const laptop = list.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(laptop).toEqual({
      id: created.body.id,
      name: 'laptop',
      maskedKey: `${second.slice(0, 10)}…${second.slice(-4)}`,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastUsedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.stringify(list.body)).not.toContain(second);
    expect(gw.logs()).not.toContain(second);
    expect(gw.logs()).not.toContain(second.slice(6, 18)); // nor a piece of it

    await me.delete(`/api/v1/me/api-keys/${created.body.id}`).expect(204);
    const refused = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${second}`)
      .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_api_key');
    await as(second).get('/api/v1/me').expect(401);
    expect(
      (await me.get('/api/v1/me/api-keys').expect(200)).body.data.map((k: { id: string }) => k.id),
    ).toEqual([user.keyId]);
    await me.delete(`/api/v1/me/api-keys/${created.body.id}`).expect(404); // already revoked
  });

  it("another user's key id is a 404, and nothing is revoked", async () => {
    const a = await newUser('free');
    const b = await newUser('free');
    const res = await as(a.apiKey).delete(`/api/v1/me/api-keys/${b.keyId}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ACCOUNTS.KEY_NOT_FOUND');
    await as(b.apiKey).get('/api/v1/me').expect(200);
    await as(a.apiKey).delete('/api/v1/me/api-keys/not-a-key').expect(404);
  });

  it('users get 403 on every /api/v1/admin/* endpoint of this slice', async () => {
    const free = await newUser('free');
    const user = as(free.apiKey);
    for (const res of [
      await user.get('/api/v1/admin/users'),
      await user.post('/api/v1/admin/users').send({ name: 'x', tier: 'free' }),
      await user.get(`/api/v1/admin/users/${free.id}`),
      await user.put(`/api/v1/admin/users/${free.id}`).send({ tier: 'enterprise' }),
      await user.post(`/api/v1/admin/users/${free.id}/api-keys`).send({ name: 'x' }),
      await user.get('/api/v1/admin/tiers'),
      await user.put('/api/v1/admin/tiers').send({}),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('AUTH.ADMIN_ONLY');
    }
    expect((await user.get('/api/v1/me').expect(200)).body.tier).toBe('free');
  });

  it('a disabled user is refused at once (403 on /v1 and /api), and enabled again', async () => {
    const user = await newUser('starter');
    await chat(user.apiKey);
    const disabled = await admin().put(`/api/v1/admin/users/${user.id}`).send({ disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);

    const refused = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${user.apiKey}`)
      .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ type: 'permission_error', code: 'account_deactivated' });
    expect((await as(user.apiKey).get('/api/v1/me')).status).toBe(403);
    await admin().post(`/api/v1/admin/users/${user.id}/api-keys`).send({ name: 'x' }).expect(409);

    await admin().put(`/api/v1/admin/users/${user.id}`).send({ disabled: false }).expect(200);
    await chat(user.apiKey);
  });

  it('admin users: get, change tier and roles, list paginated and searchable', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const ids: string[] = [];
    for (const n of ['Ann', 'Bob', 'Cid'])
      ids.push(
        (
          await admin()
            .post('/api/v1/admin/users')
            .send({ name: `${n} ${tag}`, tier: 'free' })
            .expect(201)
        ).body.id,
      );

    const one = await admin().get(`/api/v1/admin/users/${ids[1]}`).expect(200);
    expect(one.body).toMatchObject({
      id: ids[1],
      name: `Bob ${tag}`,
      tier: 'free',
      roles: ['user'],
      disabled: false,
      powerLevel: 'eco',
      apiKeys: 0,
    });
    await admin().get('/api/v1/admin/users/00000000-0000-4000-8000-00000000dead').expect(404);

    const changed = await admin()
      .put(`/api/v1/admin/users/${ids[1]}`)
      .send({ tier: 'professional', roles: ['user', 'auditor'] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ tier: 'professional', roles: ['user', 'auditor'] });
    expect((await admin().get(`/api/v1/admin/users/${ids[1]}`)).body.tier).toBe('professional');
    const bad = await admin().put(`/api/v1/admin/users/${ids[1]}`).send({ tier: 'gold' });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('tier');

    const page1 = await admin().get(`/api/v1/admin/users?q=${tag}&limit=2`).expect(200);
    expect(page1.body.data.map((u: { name: string }) => u.name)).toEqual([`Ann ${tag}`, `Bob ${tag}`]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await admin()
      .get(`/api/v1/admin/users?q=${tag}&limit=2&cursor=${page1.body.nextCursor}`)
      .expect(200);
    expect(page2.body.data.map((u: { name: string }) => u.name)).toEqual([`Cid ${tag}`]);
    expect(page2.body.nextCursor).toBeNull();
    expect((await admin().get('/api/v1/admin/users?limit=0')).status).toBe(400);
    expect((await admin().get('/api/v1/admin/users?cursor=%%%')).status).toBe(400);
    const all = await admin().get('/api/v1/admin/users?limit=200').expect(200);
    expect(all.body.data.map((u: { id: string }) => u.id)).toEqual(
      expect.arrayContaining([gw.userId, ...ids]),
    );
  });

  it('an admin cannot lock themselves out', async () => {
    const me = await admin().get('/api/v1/me').expect(200);
    const res = await admin().put(`/api/v1/admin/users/${me.body.id}`).send({ disabled: true });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ACCOUNTS.SELF_LOCKOUT');
  });

  it('creating a user with a password sets up local sign-in under the default username', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const created = await admin()
      .post('/api/v1/admin/users')
      .send({ name: `Pat ${tag}`, tier: 'free', password: 'correct horse battery' });
    expect(created.status).toBe(201);
    const user = await admin().get(`/api/v1/admin/users/${created.body.id}`).expect(200);
    expect(user.body.username).toBe(`pat.${tag}`);
    const again = await admin()
      .post('/api/v1/admin/users')
      .send({ name: `Pat ${tag}`, tier: 'free', password: 'another password' });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('AUTH.USERNAME_TAKEN');
    const short = await admin()
      .post('/api/v1/admin/users')
      .send({ name: 'Q', tier: 'free', password: 'short' });
    expect(short.status).toBe(400);
    expect(JSON.stringify(gw.logs())).not.toContain('correct horse battery');
  });

  it('tier policy: GET the defaults, PUT a change that applies to the next request, 412 on a stale If-Match', async () => {
    const before = await admin().get('/api/v1/admin/tiers').expect(200);
    expect(before.body.tiers.free).toEqual({
      powerLevels: ['eco'],
      byok: { allowed: false, keysPerProvider: 0 },
    });
    const tiers = structuredClone(before.body.tiers);
    tiers.free = { powerLevels: ['eco', 'balanced'], byok: { allowed: false, keysPerProvider: 0 } };
    const put = await admin().put('/api/v1/admin/tiers').set('if-match', before.headers.etag).send({ tiers });
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(before.body.version + 1);
    expect(put.headers.etag).toBe(`"${put.body.version}"`);

    const user = await newUser('free');
    expect((await as(user.apiKey).get('/api/v1/me')).body.allowedPowerLevels).toEqual(['eco', 'balanced']);
    await as(user.apiKey).put('/api/v1/me/settings').send({ powerLevel: 'balanced' }).expect(200);

    const stale = await admin()
      .put('/api/v1/admin/tiers')
      .set('if-match', before.headers.etag)
      .send({ tiers });
    expect(stale.status).toBe(412);
    const broken = structuredClone(tiers);
    broken.starter.byok.keysPerProvider = 0;
    const bad = await admin().put('/api/v1/admin/tiers').send({ tiers: broken });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('tiers.starter.byok.keysPerProvider');
    const missing = await admin()
      .put('/api/v1/admin/tiers')
      .send({ tiers: { free: tiers.free } });
    expect(missing.status).toBe(400);

    // Back to the defaults for the other tests.
    await admin().put('/api/v1/admin/tiers').send({ tiers: before.body.tiers }).expect(200);
  });
});

describePostgres('accounts on two gateway instances sharing one store', () => {
  let first: TestGateway;
  let second: ExtraInstance;
  let secondUrl: string;
  beforeAll(async () => {
    first = await startTestGateway('postgres');
    // The same database schema and vault keys, its own data directory and no projections of its own.
    second = await startExtraInstance(first, 'second');
    secondUrl = second.baseUrl;
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const status = async (url: string, key: string): Promise<number> =>
    (await request(url).get('/api/v1/me').set('authorization', `Bearer ${key}`)).status;

  it('a key issued on one instance works on the other; a revoke or a disable there is refused here as soon as the log reaches it', async () => {
    const created = await request(first.baseUrl)
      .post('/api/v1/admin/users')
      .set('authorization', `Bearer ${first.adminKey}`)
      .send({ name: 'Two Instances', tier: 'starter' })
      .expect(201);
    const key = await request(first.baseUrl)
      .post('/api/v1/me/api-keys')
      .set('authorization', `Bearer ${first.userKey}`)
      .send({ name: 'roaming' })
      .expect(201);
    await eventually(
      async () => ((await status(secondUrl, key.body.apiKey)) === 200 ? true : undefined),
      10_000,
      'the new key on the second instance',
    );

    await request(secondUrl)
      .delete(`/api/v1/me/api-keys/${key.body.id}`)
      .set('authorization', `Bearer ${key.body.apiKey}`)
      .expect(204);
    expect(await status(secondUrl, key.body.apiKey)).toBe(401); // here: at once
    await eventually(
      async () => ((await status(first.baseUrl, key.body.apiKey)) === 401 ? true : undefined),
      10_000,
      'the revoke on the first instance',
    );

    const userKey = await request(first.baseUrl)
      .post(`/api/v1/admin/users/${created.body.id}/api-keys`)
      .set('authorization', `Bearer ${first.adminKey}`)
      .send({ name: 'k' })
      .expect(201);
    await eventually(
      async () => ((await status(secondUrl, userKey.body.apiKey)) === 200 ? true : undefined),
      10_000,
      'the user key on the second instance',
    );
    await request(first.baseUrl)
      .put(`/api/v1/admin/users/${created.body.id}`)
      .set('authorization', `Bearer ${first.adminKey}`)
      .send({ disabled: true })
      .expect(200);
    await eventually(
      async () => ((await status(secondUrl, userKey.body.apiKey)) === 403 ? true : undefined),
      10_000,
      'the disabled account on the second instance',
    );
  });
});
