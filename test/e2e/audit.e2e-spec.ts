import { readFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import request from 'supertest';
import { describeBackends } from '@gw/database/testing';
import { eventHash } from '@gw/eventstore';
import { newId, type RecordedEvent } from '@gw/shared-kernel';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/** A platform key given to the admin API: it must not show up in any audit answer. */
const CANARY_KEY = 'sk-audit-canary-9f3c1e7a5b2d4c6e8a0b';

interface AuditEvent {
  revision: number;
  type: string;
  occurredAt: string;
  metadata: Record<string, unknown> & { chain?: { prev: string | null; hash: string } };
  data: unknown;
}

describeBackends('audit', (backend) => {
  let gw: TestGateway;
  let auditorKey: string;

  let auditorId: string;

  beforeAll(async () => {
    gw = await startTestGateway(backend);
    const admin = (path: string) =>
      request(gw.baseUrl).post(path).set('authorization', `Bearer ${gw.adminKey}`);
    const created = await admin('/api/v1/admin/users')
      .set('user-agent', 'audit-e2e/admin')
      .send({ name: 'Ada Auditor', tier: 'free', roles: ['auditor'] })
      .expect(201);
    auditorId = created.body.id as string;
    const issued = await admin(`/api/v1/admin/users/${auditorId}/api-keys`)
      .send({ name: 'audit-e2e' })
      .expect(201);
    auditorKey = issued.body.apiKey as string;
  });
  afterAll(() => gw?.close());

  const as = (key: string) => ({
    get: (path: string) => request(gw.baseUrl).get(path).set('authorization', `Bearer ${key}`),
    post: (path: string) => request(gw.baseUrl).post(path).set('authorization', `Bearer ${key}`),
    put: (path: string) => request(gw.baseUrl).put(path).set('authorization', `Bearer ${key}`),
    delete: (path: string) => request(gw.baseUrl).delete(path).set('authorization', `Bearer ${key}`),
  });

  it('replays a stream with who did what and when, and its chain verifies', async () => {
    const { body } = await as(auditorKey).get(`/api/v1/audit/streams/account-${gw.userId}`).expect(200);
    expect(body.streamId).toBe(`account-${gw.userId}`);
    const events = body.events as AuditEvent[];
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    expect(events[0]!.type).toBe('AccountOpened');
    for (const e of events) {
      expect(new Date(e.occurredAt).toISOString()).toBe(e.occurredAt);
      expect(e.metadata).toMatchObject({ actorId: expect.any(String), correlationId: expect.any(String) });
      expect(e.metadata.chain?.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(body.chain).toMatchObject({ verified: true, events: events.length, firstBreak: null });
  });

  it('shows which admin opened an account and issued its key, from where and when', async () => {
    const { body } = await as(auditorKey).get(`/api/v1/audit/streams/account-${auditorId}`).expect(200);
    const events = body.events as AuditEvent[];
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['AccountOpened', 'GatewayKeyIssued']));
    const adminId = (await as(gw.adminKey).get('/api/v1/me').expect(200)).body.id as string;
    const opened = events.find((e) => e.type === 'AccountOpened')!;
    expect(opened.metadata).toMatchObject({
      actorId: adminId,
      actorKind: 'admin',
      sourceIp: '127.0.0.1',
      userAgent: 'audit-e2e/admin',
    });
    expect(Date.now() - Date.parse(opened.occurredAt)).toBeLessThan(120_000);
    expect(body.chain).toMatchObject({ verified: true, events: events.length, firstBreak: null });
    // The key issued to the auditor is in no event (only its hash and masked form may be).
    const issuedKey = JSON.stringify(body);
    expect(issuedKey).not.toContain(auditorKey);
    expect(issuedKey).not.toContain(auditorKey.slice(-12));
  });

  it('records the actor, address, user agent and correlation id of an admin command, and no key', async () => {
    const slug = `audited${newId().slice(0, 8)}`;
    const created = await as(gw.adminKey)
      .post('/api/v1/admin/providers')
      .set('user-agent', 'audit-e2e/1.0')
      .send({
        slug,
        name: 'Audited AI',
        kind: 'openai-compatible',
        baseUrl: `${gw.gateway.runtime.mockUrls.get('mock-swift')}/v1`,
        apiKey: CANARY_KEY,
      })
      .expect(201);
    expect(created.status).toBe(201);

    const replay = await as(auditorKey).get(`/api/v1/audit/streams/provider-${slug}`).expect(200);
    const events = replay.body.events as AuditEvent[];
    expect(events.length).toBeGreaterThanOrEqual(1);
    // The correlation id is the gateway's request id: the access log line of that POST names it.
    const correlationId = events[0]!.metadata.correlationId as string;
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const line = gw
      .logs()
      .split('\n')
      .find((l) => l.includes(`"requestId":"${correlationId}"`) && l.includes('"msg":"request"'));
    expect(line).toContain('"path":"/api/v1/admin/providers"');
    expect(line).toContain('"status":201');
    for (const e of events)
      expect(e.metadata).toMatchObject({
        actorKind: 'admin',
        sourceIp: '127.0.0.1',
        userAgent: 'audit-e2e/1.0',
        correlationId,
      });
    expect(replay.body.chain.verified).toBe(true);
    expect(replay.text).not.toContain(CANARY_KEY);
    expect(replay.text).not.toContain(CANARY_KEY.slice(-12));
  });

  it('chains the events of a chat request (written by group commit, no read before the append)', async () => {
    const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        client.chat.completions
          .create({ model: 'mock-swift/swift-mini', messages: [{ role: 'user', content: 'hi' }] })
          .withResponse(),
      ),
    );
    for (const { response } of answers) {
      const requestId = response.headers.get('x-switchyard-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const { body } = await as(auditorKey).get(`/api/v1/audit/streams/request-${requestId}`).expect(200);
      const events = body.events as AuditEvent[];
      expect(events.map((e) => e.type)).toEqual(['RequestRouted', 'UsageRecorded', 'ChargeSettled']);
      expect(
        events.every((e) => e.metadata.correlationId === requestId && e.metadata.actorId === gw.userId),
      ).toBe(true);
      expect(events[0]!.metadata.chain?.prev).toBeNull();
      expect(events[1]!.metadata.chain?.prev).toBe(events[0]!.metadata.chain?.hash);
      expect(events[2]!.metadata.chain?.prev).toBe(events[1]!.metadata.chain?.hash);
      expect(body.chain).toMatchObject({
        verified: true,
        events: 3,
        firstBreak: null,
        keyedLinks: 3,
        unkeyedLinks: 0,
        // Request streams get no checkpoint: that would be a write per chat request.
        checkpoint: null,
      });
      expect(events.every((e) => (e.metadata.chain as { alg?: string }).alg === 'hmac-sha256')).toBe(true);
    }
  });

  it('lists the streams of a category a page at a time', async () => {
    const all = await as(auditorKey).get('/api/v1/audit/streams?category=account').expect(200);
    const ids = (all.body.data as Array<{ streamId: string }>).map((s) => s.streamId);
    expect(ids).toContain(`account-${gw.userId}`);
    expect(ids.every((id) => id.startsWith('account-'))).toBe(true);
    expect(all.body.next).toBeNull();

    const pages: string[] = [];
    let after: string | null = null;
    do {
      const query: string = `/api/v1/audit/streams?category=account&limit=1${after ? `&after=${after}` : ''}`;
      const page = await as(gw.adminKey).get(query).expect(200);
      pages.push(...(page.body.data as Array<{ streamId: string }>).map((s) => s.streamId));
      after = page.body.next as string | null;
    } while (after !== null && pages.length <= ids.length);
    expect(pages).toEqual(ids);
    await as(auditorKey).get('/api/v1/audit/streams?category=keys').expect(200, { data: [], next: null });
  });

  it('answers bad requests and unknown streams with problem+json', async () => {
    for (const [path, status] of [
      ['/api/v1/audit/streams', 400],
      ['/api/v1/audit/streams?category=no-dashes', 400],
      ['/api/v1/audit/streams?category=account&limit=0', 400],
      ['/api/v1/audit/streams?category=account&limit=lots', 400],
      ['/api/v1/audit/streams/nodash', 400],
      [`/api/v1/audit/streams/account-${newId()}`, 404],
    ] as const) {
      const res = await as(auditorKey).get(path);
      expect([path, res.status]).toEqual([path, status]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('is for auditors and admins; auditors change nothing', async () => {
    await as(gw.userKey).get(`/api/v1/audit/streams/account-${gw.userId}`).expect(403);
    await as(gw.userKey).get('/api/v1/audit/streams?category=account').expect(403);
    await request(gw.baseUrl).get('/api/v1/audit/streams?category=account').expect(401);
    await as(gw.adminKey).get(`/api/v1/audit/streams/account-${gw.userId}`).expect(200);

    const writes = [
      as(auditorKey)
        .post('/api/v1/admin/providers')
        .send({ slug: 'nope', name: 'Nope', kind: 'openai-compatible' }),
      as(auditorKey).put('/api/v1/admin/routing/policy').send({}),
      as(auditorKey).delete('/api/v1/admin/providers/mock-swift'),
      as(auditorKey).post('/api/v1/admin/vault/rewrap').send({}),
    ];
    for (const res of await Promise.all(writes)) {
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('shows users their own key history (empty before their first key)', async () => {
    const { body } = await as(gw.userKey).get('/api/v1/me/keys/history').expect(200);
    expect(body.streamId).toBe(`keys-${gw.userId}`);
    expect(Array.isArray(body.events)).toBe(true);
    expect(body.chain).toMatchObject({ verified: true, firstBreak: null });
    await request(gw.baseUrl).get('/api/v1/me/keys/history').expect(401);
  });

  /** A new user's account stream with `keys` gateway keys issued: 1 + keys events, by an admin. */
  const anAccountStream = async (keys: number): Promise<string> => {
    const created = await as(gw.adminKey)
      .post('/api/v1/admin/users')
      .send({ name: `Tampered ${newId().slice(0, 6)}`, tier: 'free' })
      .expect(201);
    const userId = created.body.id as string;
    for (let i = 0; i < keys; i += 1)
      await as(gw.adminKey)
        .post(`/api/v1/admin/users/${userId}/api-keys`)
        .send({ name: `k${i}` })
        .expect(201);
    return `account-${userId}`;
  };

  const storedEvents = (streamId: string): Promise<RecordedEvent[]> =>
    gw.gateway.runtime.eventStore.readStream(streamId);

  it('names the first broken link of a rewrite-and-rehash: a payload edited, every later link recomputed', async () => {
    const streamId = await anAccountStream(2);
    const before = await as(auditorKey).get(`/api/v1/audit/streams/${streamId}`).expect(200);
    expect(before.body.chain).toMatchObject({ verified: true, events: 3 });

    // Someone with write access to the database, but not the chain key: they change who the account
    // belongs to and recompute each link the way a link is computed without the key (SHA-256).
    let prev: string | null = null;
    for (const e of await storedEvents(streamId)) {
      const data = e.revision === 0n ? { ...(e.data as object), displayName: 'Mallory' } : e.data;
      const hash = eventHash({ ...e, data }, e.streamId, e.revision, prev);
      const metadata = { ...e.metadata, chain: { ...e.metadata.chain!, prev, hash } };
      await gw.gateway.runtime.knex.raw(
        'update events set data = ?::json, metadata = ?::json where stream_id = ? and stream_revision = ?',
        [JSON.stringify(data), JSON.stringify(metadata), streamId, e.revision.toString()],
      );
      prev = hash;
    }

    const after = await as(auditorKey).get(`/api/v1/audit/streams/${streamId}`).expect(200);
    expect((after.body.events as AuditEvent[])[0]!.data).toMatchObject({ displayName: 'Mallory' });
    expect(after.body.chain).toMatchObject({
      verified: false,
      events: 3,
      firstBreak: { revision: 0, reason: 'hash_mismatch' },
    });
    expect(before.body.chain).toMatchObject({ keyedLinks: 3, unkeyedLinks: 0 });
  });

  it('names the first missing revision when the last events of a stream were deleted (signed checkpoint)', async () => {
    const streamId = await anAccountStream(3);
    await gw.gateway.runtime.checkpointer.flush();
    const before = await as(auditorKey).get(`/api/v1/audit/streams/${streamId}`).expect(200);
    expect(before.body.chain).toMatchObject({
      verified: true,
      events: 4,
      firstBreak: null,
      checkpoint: { revision: 3, signedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    });

    await gw.gateway.runtime.knex.raw('delete from events where stream_id = ? and stream_revision >= 2', [
      streamId,
    ]);
    const after = await as(auditorKey).get(`/api/v1/audit/streams/${streamId}`).expect(200);
    expect(after.body.events).toHaveLength(2);
    expect(after.body.chain).toMatchObject({
      verified: false,
      events: 2,
      firstBreak: { revision: 2, reason: 'checkpoint_not_reached' },
      checkpoint: { revision: 3 },
    });
  });

  it('shows neither audit key in an answer, an event, a checkpoint row or a log line', async () => {
    const config = gw.gateway.runtime.config;
    const keys = config.audit.chainKey
      ? [config.audit.chainKey.reveal(), config.audit.signingKey!.reveal()]
      : Object.values(
          JSON.parse(await readFile(path.join(config.dataDir, 'audit-keys.json'), 'utf8')) as Record<
            string,
            string
          >,
        ).filter((v) => /^[A-Za-z0-9+/]{43}=$/.test(v));
    expect(keys).toHaveLength(2);
    const streamId = await anAccountStream(1);
    await gw.gateway.runtime.checkpointer.flush();
    const { rows: stored } = await gw.gateway.runtime.knex.raw<{ rows: Array<{ text: string }> }>(
      `select data::text || metadata::text as text from events
       union all select row_to_json(c)::text from audit_checkpoints c`,
    );
    const seen = [
      (await as(auditorKey).get(`/api/v1/audit/streams/${streamId}`).expect(200)).text,
      (await as(gw.userKey).get('/api/v1/me/keys/history').expect(200)).text,
      ...stored.map((r) => r.text),
      gw.logs(),
      JSON.stringify(config),
    ].join('\n');
    for (const key of keys) {
      const bytes = Buffer.from(key, 'base64');
      for (const form of [key, bytes.toString('hex'), bytes.toString('base64url')])
        expect(seen).not.toContain(form);
    }
  });

  it('reports the revision of a stored row that was changed behind its back', async () => {
    const streamId = `account-${gw.userId}`;
    const knex = gw.gateway.runtime.knex;
    await knex.raw(
      `update events set data = jsonb_set(data::jsonb, '{displayName}', '"Mallory"')::json where stream_id = ? and stream_revision = 0`,
      [streamId],
    );
    const { body } = await as(auditorKey).get(`/api/v1/audit/streams/${streamId}`).expect(200);
    expect(body.chain).toMatchObject({
      verified: false,
      firstBreak: { revision: 0, reason: 'hash_mismatch' },
    });
  });
});
