import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { VAULT_SECRETS_TABLE } from '@gw/key-vault';
import { startMockProvider, type MockProvider } from '@gw/providers';
import type { Tier } from '@gw/shared-kernel';
import { eventually } from '@gw/shared-kernel/testing';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/**
 * BYOK end to end: a starter user adds a key for a provider that has no platform key (a fake upstream
 * that accepts only that key), chats with it through the openai client, rotates, fails and deletes it;
 * the canary key never shows — whole, base64, URL-encoded or as any 12-character piece — in a log
 * line, an HTTP response, an event, a read-model table or a file of the data directory. Other users
 * get 404 for the key, the free tier a 403 naming the tier that unlocks BYOK, and a user key the
 * provider refuses falls back to the platform key with `x-switchyard-byok: bypassed`.
 */

const hex = (n: number): string => randomBytes(n).toString('hex');
/** The keys under watch (generic providers: 16 to 512 key characters, no vendor prefix). */
const CANARY = `byok-canary-${hex(16)}+${hex(8)}/${hex(4)}=`;
const ROTATED = `byok-rotated-${hex(20)}`;
const REFUSED = `byok-refused-${hex(20)}`;
const PLATFORM_KEY = `platform-key-${hex(20)}`;
const WATCHED = [CANARY, ROTATED, REFUSED];

const PIECE = 12;
/** Every form of a key that must not come out. */
const forms = (key: string): string[] => [
  ...Array.from({ length: key.length - PIECE + 1 }, (_, i) => key.slice(i, i + PIECE)),
  Buffer.from(key).toString('base64').slice(0, 16),
  Buffer.from(key).toString('base64url').slice(0, 16),
  encodeURIComponent(key),
];
const ALL_FORMS = WATCHED.flatMap(forms);
const leaks = (text: string): string[] => ALL_FORMS.filter((f) => text.includes(f));

const MODEL = 'byok-model';

describeBackends('BYOK', (backend) => {
  let gw: TestGateway;
  let own: MockProvider;
  let shared: MockProvider;
  /** Everything the gateway answered: bodies and headers. */
  const seen: string[] = [];
  const api = (key: string) => {
    const agent = request.agent(gw.baseUrl).set('authorization', `Bearer ${key}`);
    const track = <T extends request.Test>(t: T): T => {
      void t.on('response', (res: request.Response) =>
        seen.push(JSON.stringify(res.headers), res.text ?? ''),
      );
      return t;
    };
    return {
      get: (url: string) => track(agent.get(url)),
      post: (url: string) => track(agent.post(url)),
      patch: (url: string) => track(agent.patch(url)),
      put: (url: string) => track(agent.put(url)),
      delete: (url: string) => track(agent.delete(url)),
    };
  };
  /** A user opened the way an admin does it: POST /api/v1/admin/users, then a gateway key for them. */
  const openUser = async (tier: Tier): Promise<{ userId: string; apiKey: string }> => {
    const admin = api(gw.adminKey);
    const created = await admin
      .post('/api/v1/admin/users')
      .send({ name: `${tier} user ${randomUUID().slice(0, 8)}`, tier })
      .expect(201);
    const userId = created.body.id as string;
    const issued = await admin
      .post(`/api/v1/admin/users/${userId}/api-keys`)
      .send({ name: 'test' })
      .expect(201);
    return { userId, apiKey: issued.body.apiKey as string };
  };
  const registerProvider = async (slug: string, url: string, apiKey?: string): Promise<void> => {
    const admin = api(gw.adminKey);
    await admin
      .post('/api/v1/admin/providers')
      .send({ slug, name: slug, kind: 'openai-compatible', baseUrl: `${url}/v1`, ...(apiKey && { apiKey }) })
      .expect(201);
    await admin
      .post('/api/v1/admin/models')
      .send({
        provider: slug,
        model: MODEL,
        displayName: `${slug} model`,
        prices: { inputPerMillionMicros: '1000', outputPerMillionMicros: '2000' },
        contextWindow: 8_000,
        maxOutputTokens: 1_000,
        capabilities: { streaming: true, tools: false, vision: false, jsonMode: false },
        quality: 0.5,
        powerLevels: ['eco', 'balanced', 'precision'],
      })
      .expect(201);
  };
  const openai = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${gw.baseUrl}/v1`, maxRetries: 0 });
  const chat = async (apiKey: string, model: string) => {
    const { data, response } = await openai(apiKey)
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    seen.push(JSON.stringify(data), JSON.stringify([...response.headers.entries()]));
    return { data, headers: response.headers };
  };
  const explanation = async (requestId: string) => {
    await gw.waitForProjections();
    return (await api(gw.adminKey).get(`/api/v1/requests/${requestId}`).expect(200)).body as {
      usage: { keySource: string; keyId: string | null } | null;
      fallbacks: Array<{ reason: string }>;
    };
  };

  beforeAll(async () => {
    // User-supplied URLs may reach this host's fake upstreams (custom endpoints); nothing else internal.
    gw = await startTestGateway(backend, { ALLOWED_UPSTREAM_HOSTS: '127.0.0.1' });
    own = await startMockProvider({ requireApiKey: CANARY, models: [MODEL] });
    shared = await startMockProvider({ requireApiKey: PLATFORM_KEY, models: [MODEL] });
    await registerProvider('byok-own', own.url);
    await registerProvider('byok-shared', shared.url, PLATFORM_KEY);
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    await own?.close();
    await shared?.close();
  });

  it('a starter user adds, validates, uses, rotates, fails and deletes a key; the canary never shows', async () => {
    const user = await openUser('starter');
    const me = api(user.apiKey);

    const providers = await me.get('/api/v1/me/keys/providers').expect(200);
    expect(providers.body.byok).toEqual({ allowed: true, keysPerProvider: 1, unlockedBy: 'starter' });
    expect(providers.body.data).toContainEqual(
      expect.objectContaining({
        provider: 'byok-own',
        platformKey: false,
        keyFormat: '16 to 512 key characters',
      }),
    );
    // Without a key, the provider's models are not the caller's to use.
    await expect(chat(user.apiKey, `byok-own/${MODEL}`)).rejects.toMatchObject({ status: 404 });
    const ownModel = `byok-own/${MODEL}`;
    expect((await openai(user.apiKey).models.list()).data.map((m) => m.id)).not.toContain(ownModel);

    const wrongShape = await me
      .post('/api/v1/me/keys')
      .send({ provider: 'byok-own', apiKey: 'short' })
      .expect(400);
    expect(wrongShape.body).toMatchObject({ code: 'KEYS.INVALID_KEY_FORMAT' });
    expect(wrongShape.body.detail).toContain('expected: 16 to 512 key characters');
    const refused = await me
      .post('/api/v1/me/keys')
      .send({ provider: 'byok-own', apiKey: REFUSED })
      .expect(400);
    expect(refused.body).toMatchObject({ code: 'KEYS.KEY_VALIDATION_FAILED' });

    const added = await me
      .post('/api/v1/me/keys')
      .send({ provider: 'byok-own', apiKey: CANARY, label: 'mine' })
      .expect(201);
    expect(added.body).toMatchObject({
      provider: 'byok-own',
      label: 'mine',
      status: 'valid',
      enabled: true,
      priority: 0,
      last4: CANARY.slice(-4),
      lastUsedAt: null,
    });
    expect(added.body.masked).toMatch(/…/);
    expect(added.body.lastValidatedAt).toEqual(added.body.createdAt);
    const id = added.body.id as string;
    const over = await me
      .post('/api/v1/me/keys')
      .send({ provider: 'byok-own', apiKey: ROTATED, validate: false })
      .expect(409);
    expect(over.body).toMatchObject({ code: 'KEYS.TOO_MANY_KEYS' });

    const answered = await chat(user.apiKey, `byok-own/${MODEL}`);
    expect(answered.data.choices[0]?.message.content).toEqual(expect.any(String));
    expect(answered.headers.get('x-switchyard-byok')).toBe('used');
    expect((await openai(user.apiKey).models.list()).data.map((m) => m.id)).toContain(ownModel);
    const used = await explanation(answered.headers.get('x-switchyard-request-id')!);
    expect(used.usage).toMatchObject({ keySource: 'byok', keyId: id });
    const listed = await me.get('/api/v1/me/keys').expect(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ id, lastUsedAt: expect.any(String) })]);

    const tested = await me.post(`/api/v1/me/keys/${id}/test`).expect(200);
    expect(tested.body).toMatchObject({ ok: true, error: null, key: { id, status: 'valid' } });

    const patched = await me
      .patch(`/api/v1/me/keys/${id}`)
      .send({ label: 'renamed', priority: 2 })
      .expect(200);
    expect(patched.body).toMatchObject({ label: 'renamed', priority: 2, enabled: true });

    // A rotation to a key the provider refuses, stored unvalidated; the next request finds it refused.
    const rotated = await me
      .post(`/api/v1/me/keys/${id}/rotate`)
      .send({ apiKey: ROTATED, validate: false })
      .expect(200);
    expect(rotated.body).toMatchObject({ id, status: 'unvalidated', last4: ROTATED.slice(-4) });
    const failed = await chat(user.apiKey, `byok-own/${MODEL}`).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.BadRequestError);
    expect(failed).toMatchObject({ status: 400, code: 'byok_key_rejected' });
    expect((failed as Error).message).toContain('Your own API key for byok-own was rejected');
    seen.push(JSON.stringify((failed as InstanceType<typeof OpenAI.APIError>).error));
    await eventually(
      async () => {
        const [key] = (await me.get('/api/v1/me/keys').expect(200)).body.data as Array<{ status: string }>;
        return key?.status === 'invalid' ? key : undefined;
      },
      10_000,
      'the key marked invalid',
    );
    // Invalid keys are not routed: the model is out of reach again until the key is fixed.
    await expect(chat(user.apiKey, `byok-own/${MODEL}`)).rejects.toMatchObject({ status: 404 });
    const retested = await me.post(`/api/v1/me/keys/${id}/test`).expect(200);
    expect(retested.body).toMatchObject({ ok: false, error: { kind: 'auth', status: 401 } });

    await me.delete(`/api/v1/me/keys/${id}`).expect(204);
    expect((await me.get('/api/v1/me/keys').expect(200)).body.data).toEqual([]);
    await me.delete(`/api/v1/me/keys/${id}`).expect(404);
    const rows = await gw.gateway.runtime.knex(VAULT_SECRETS_TABLE).where({ owner_id: user.userId });
    expect(rows).toEqual([]);

    const events = await gw.gateway.runtime.eventStore.readStream(`keys-${user.userId}`);
    expect(events.map((e) => e.type)).toEqual([
      'KeyAdded',
      'KeyValidated',
      'KeyValidated',
      'KeyLabelChanged',
      'KeyPriorityChanged',
      'KeyRotated',
      'KeyValidationFailed',
      'KeyRemoved',
    ]);
    expect(events.every((e) => (e.data as { kekVersion?: number }).kekVersion === 1)).toBe(true);
    expect(events.every((e) => typeof (e.data as { fingerprint?: string }).fingerprint === 'string')).toBe(
      true,
    );

    // Nowhere: responses, log lines, any event, any table, any file of the data directory.
    await gw.waitForProjections();
    expect(leaks(`x${Buffer.from(CANARY).toString('base64')}`)).not.toEqual([]); // the check can fail
    expect(leaks(encodeURIComponent(ROTATED).slice(3, 20))).not.toEqual([]);
    expect(leaks(seen.join('\n'))).toEqual([]);
    expect(leaks(gw.logs())).toEqual([]);
    const all = await gw.gateway.runtime.eventStore.readAll();
    expect(leaks(JSON.stringify(all.map((e) => [e.type, e.data, e.metadata])))).toEqual([]);
    expect(leaks(await dumpTables(gw))).toEqual([]);
    expect(leaks(await dumpFiles(gw.gateway.runtime.config.dataDir))).toEqual([]);
  }, 60_000);

  it("another user's key is not found: not listed, tested, changed, rotated nor deleted", async () => {
    const a = await openUser('starter');
    const b = await openUser('professional');
    const key = `byok-a-${hex(20)}`;
    const added = await api(a.apiKey)
      .post('/api/v1/me/keys')
      .send({ provider: 'byok-shared', apiKey: key, validate: false })
      .expect(201);
    const id = added.body.id as string;
    const other = api(b.apiKey);
    expect((await other.get('/api/v1/me/keys').expect(200)).body.data).toEqual([]);
    for (const res of [
      await other.post(`/api/v1/me/keys/${id}/test`),
      await other.patch(`/api/v1/me/keys/${id}`).send({ enabled: false }),
      await other.post(`/api/v1/me/keys/${id}/rotate`).send({ apiKey: `byok-b-${hex(20)}`, validate: false }),
      await other.delete(`/api/v1/me/keys/${id}`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'KEYS.KEY_NOT_FOUND' });
    }
    const mine = await api(a.apiKey).get('/api/v1/me/keys').expect(200);
    expect(mine.body.data).toEqual([expect.objectContaining({ id, enabled: true, label: '' })]);
    await api(a.apiKey).delete(`/api/v1/me/keys/${id}`).expect(204);
  }, 30_000);

  it('the free tier is refused with a 403 naming the tier that unlocks BYOK', async () => {
    const free = api((await openUser('free')).apiKey);
    const res = await free
      .post('/api/v1/me/keys')
      .send({ provider: 'byok-own', apiKey: `byok-free-${hex(20)}` })
      .expect(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 403, code: 'KEYS.BYOK_NOT_ALLOWED' });
    expect(res.body.detail).toBe(
      'The free tier cannot bring its own provider keys; the starter tier unlocks BYOK.',
    );
    expect((await free.get('/api/v1/me/keys/providers').expect(200)).body).toEqual({
      data: [],
      byok: { allowed: false, keysPerProvider: 0, unlockedBy: 'starter' },
    });
  });

  it('a user key the provider refuses falls back to the platform key and is marked invalid', async () => {
    const user = await openUser('starter');
    const me = api(user.apiKey);
    const added = await me
      .post('/api/v1/me/keys')
      .send({ provider: 'byok-shared', apiKey: `byok-bad-${hex(20)}`, validate: false })
      .expect(201);
    expect(added.body.status).toBe('unvalidated');
    const answered = await chat(user.apiKey, `byok-shared/${MODEL}`);
    expect(answered.headers.get('x-switchyard-byok')).toBe('bypassed');
    expect(answered.headers.get('x-switchyard-attempts')).toBe('2');
    const why = await explanation(answered.headers.get('x-switchyard-request-id')!);
    expect(why.fallbacks).toEqual([expect.objectContaining({ reason: 'byok_key_rejected' })]);
    expect(why.usage).toMatchObject({ keySource: 'platform', keyId: null });
    await eventually(
      async () => {
        const [key] = (await me.get('/api/v1/me/keys').expect(200)).body.data as Array<{ status: string }>;
        return key?.status === 'invalid' ? key : undefined;
      },
      10_000,
      'the key marked invalid',
    );
    // The invalid key is no longer tried: the platform key answers at once.
    const next = await chat(user.apiKey, `byok-shared/${MODEL}`);
    expect(next.headers.get('x-switchyard-byok')).toBeNull();
    expect(next.headers.get('x-switchyard-attempts')).toBe('1');
  }, 30_000);

  it('with byokOnly the platform key is never used: a refused user key is an OpenAI-shaped 400', async () => {
    const user = await openUser('starter');
    const me = api(user.apiKey);
    await me
      .post('/api/v1/me/keys')
      .send({ provider: 'byok-shared', apiKey: `byok-only-${hex(20)}`, validate: false })
      .expect(201);
    await me.put('/api/v1/me/settings').send({ byokOnly: true }).expect(200);
    const before = shared.stats().requests;
    const res = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${user.apiKey}`)
      .send({ model: `byok-shared/${MODEL}`, messages: [{ role: 'user', content: 'hello' }] })
      .expect(400);
    expect(res.body).toEqual({
      error: {
        message:
          'Your own API key for byok-shared was rejected by the provider, and your settings use only your own keys (byokOnly). Rotate or replace it at /api/v1/me/keys.',
        type: 'invalid_request_error',
        code: 'byok_key_rejected',
        param: null,
      },
    });
    expect(shared.stats().requests - before).toBe(1); // the user's key only, never the platform's
    // The platform's models are not routable either: only providers the caller has a key for.
    const other = await request(gw.baseUrl)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${user.apiKey}`)
      .send({ model: `byok-own/${MODEL}`, messages: [{ role: 'user', content: 'hello' }] });
    expect(other.status).toBe(404);
  }, 30_000);

  it('a custom OpenAI-compatible endpoint: URL rules for users, routable by name for its owner only', async () => {
    const endpointKey = `byok-custom-${hex(20)}`;
    const endpoint = await startMockProvider({ requireApiKey: endpointKey, models: ['my-llm'] });
    try {
      const user = await openUser('starter');
      const me = api(user.apiKey);
      const providers = await me.get('/api/v1/me/keys/providers').expect(200);
      expect(providers.body.data).toContainEqual(expect.objectContaining({ provider: 'custom' }));
      const internal = await me
        .post('/api/v1/me/keys')
        .send({ provider: 'custom', baseUrl: 'http://10.1.2.3/v1', models: ['my-llm'], apiKey: endpointKey })
        .expect(400);
      expect(internal.body).toMatchObject({ code: 'KEYS.INVALID_CUSTOM_ENDPOINT' });
      expect(internal.body.detail).toMatch(/^baseUrl must not reach this address/);
      await me
        .post('/api/v1/me/keys')
        .send({ provider: 'custom', baseUrl: `${endpoint.url}/v1`, apiKey: endpointKey })
        .expect(400);
      const added = await me
        .post('/api/v1/me/keys')
        .send({ provider: 'custom', baseUrl: `${endpoint.url}/v1`, models: ['my-llm'], apiKey: endpointKey })
        .expect(201);
      expect(added.body).toMatchObject({
        provider: 'custom',
        status: 'valid',
        baseUrl: `${endpoint.url}/v1`,
      });
      const [model] = added.body.models as string[];
      expect(model).toMatch(/^custom-[0-9a-f]{12}\/my-llm$/);
      const answered = await chat(user.apiKey, model!);
      expect(answered.headers.get('x-switchyard-byok')).toBe('used');
      expect(answered.headers.get('x-switchyard-provider')).toBe(model!.split('/')[0]);
      const why = await explanation(answered.headers.get('x-switchyard-request-id')!);
      expect(why.usage).toMatchObject({ keySource: 'byok', keyId: added.body.id });
      const { data: stream, response } = await openai(user.apiKey)
        .chat.completions.create({ model: model!, messages: [{ role: 'user', content: 'hi' }], stream: true })
        .withResponse();
      expect(response.headers.get('x-switchyard-byok')).toBe('used');
      let streamed = '';
      for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
      expect(streamed.length).toBeGreaterThan(0);
      const listed = await openai(user.apiKey).models.list();
      expect(listed.data.map((m) => m.id)).toContain(model);
      const stranger = await openUser('starter');
      await expect(chat(stranger.apiKey, model!)).rejects.toMatchObject({ status: 404 });
      expect((await openai(stranger.apiKey).models.list()).data.map((m) => m.id)).not.toContain(model);
      expect(leaks(gw.logs())).toEqual([]);
      expect(gw.logs()).not.toContain(endpointKey.slice(4, 20));
    } finally {
      await endpoint.close();
    }
  }, 30_000);
});

/** Every row of every table of the gateway's schema, as text. */
async function dumpTables(gw: TestGateway): Promise<string> {
  const knex = gw.gateway.runtime.knex;
  const result = await knex.raw<{ rows: Array<{ table_name: string }> }>(
    `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { table_name } of result.rows) {
    const rows = await knex(table_name).select('*');
    parts.push(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  }
  expect(parts.length).toBeGreaterThan(3);
  return parts.join('\n');
}

/** Every file under the data directory, as latin1 text (binary files included). */
async function dumpFiles(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    parts.push((await readFile(path.join(entry.parentPath, entry.name))).toString('latin1'));
  }
  expect(parts.length).toBeGreaterThan(0);
  return parts.join('\n');
}
